/**
 * The operator's remove-application in a program's run (controller/operator.ts, wire/session.ts),
 * a plan event armed like a tied fault and recorded when it fires (it used to be recorded applied
 * as it was armed, fired or not). Timed: at the program's next watcher wait while it watches, so the
 * removal reaches it as a `remove` delta; at once while it has lost its watcher with its connection,
 * so the removal reaches it only through the snapshot of the watcher it makes after reconnecting
 * (which a view merged rather than replaced keeps as a ghost: trial9's merge-snapshot). Tied to the
 * program's login (`on: 'login'`): at its first login after it lost its watcher, not at one while it
 * still watches. If its moment never comes, it is recorded not applied at the plan's end (quiesce)
 * with the part of the moment that never came.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { notWaitedOnWatcherNote } from '../../harness/controller/operator.ts';
import type { HistoryRecord } from '../../harness/history.ts';
import type { PlanEvent } from '../../harness/plan.ts';
import type { AdminClient } from '../../harness/wire/admin-client.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { CREDENTIALS, openProgramSession, RawClient, waitFor } from './helpers.ts';

let server: ControllerServer | undefined;
let client: RawClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
});

const REMOVE: PlanEvent = { kind: 'remove', client: 0, app: 'mysql' };
const REMOVE_AT_LOGIN: PlanEvent = { ...REMOVE, on: 'login' };

/** A program session on a fresh server (kept for afterEach), bootstrapped with the operator's `apps`. */
async function bootstrapped(apps = ['old-mysql']): Promise<{ session: AdminClient; modelUrl: string }> {
  const opened = await openProgramSession();
  server = opened.server;
  expect(await opened.session.bootstrap(apps)).toEqual({ applied: true });
  return opened;
}

/** The session's event records (plan events it recorded: the tied ones). */
const eventRecords = async (session: AdminClient): Promise<HistoryRecord[]> =>
  (await session.history()).records.filter((r) => r.type === 'event');

/** The applications the controller destroyed, in order. */
const destroyed = async (session: AdminClient): Promise<string[]> =>
  (await session.history()).records.flatMap((r) =>
    r.type === 'request' && r.method === 'DestroyApplication' && r.accepted ? (r.apps ?? []) : [],
  );

describe('the operator removes an application of a program run', () => {
  it('timed, at the next watcher wait while the program watches, recorded then; at once once it lost its watcher', async () => {
    const { session, modelUrl } = await bootstrapped(['old-mysql', 'old-postgresql']);
    client = await RawClient.open(`${modelUrl}?client=client-0`);
    await client.login();
    const watch = await client.call('Client', 8, 'WatchAll');
    expect(watch.error).toBeUndefined();

    // Watching (no Next in flight yet): armed for its next watcher wait, nothing removed or recorded now.
    expect(await session.arm(2, REMOVE, 'client-0')).toEqual({ applied: true });
    expect(await destroyed(session)).toEqual([]);
    expect(await eventRecords(session)).toEqual([]);
    expect((await session.status()).armed).toBe(1);

    // Its snapshot, then its next Next waiting for deltas: the removal happens then, after the
    // operator's DestroyApplication, is recorded then, and reaches it as a `remove` delta.
    const watcherId = (watch.response as { 'watcher-id': string })['watcher-id'];
    await client.call('AllWatcher', 3, 'Next', undefined, watcherId);
    expect(await destroyed(session)).toEqual([]);
    const deltas = await client.call('AllWatcher', 3, 'Next', undefined, watcherId);
    expect(JSON.stringify(deltas.response)).toContain('"remove"');
    expect(await destroyed(session)).toEqual(['old-mysql']);
    const records = (await session.history()).records;
    const fired = records.find((r) => r.type === 'event');
    expect(fired).toMatchObject({
      index: 2,
      event: REMOVE,
      applied: true,
      note: "at client-0's next watcher wait: the operator removed old-mysql",
    });
    const removal = records.findIndex((r) => r.type === 'request' && r.method === 'DestroyApplication');
    expect(removal).toBeLessThan(records.indexOf(fired!));
    expect((await session.status()).armed).toBe(0);

    // Its connection gone (the watcher with it): removed at once as it is armed, while it is away.
    client.close();
    await waitFor(async () => (await session.history()).records.some((r) => r.type === 'conn-close'));
    const other: PlanEvent = { kind: 'remove', client: 0, app: 'postgresql' };
    expect(await session.arm(4, other, 'client-0')).toEqual({ applied: true });
    expect(await destroyed(session)).toEqual(['old-mysql', 'old-postgresql']);
    expect((await eventRecords(session)).at(-1)).toMatchObject({
      index: 4,
      applied: true,
      note: 'while client-0 had lost its watcher: the operator removed old-postgresql',
    });
  });

  it('timed, it never fires when the program does not wait on its watcher again: not applied, the note says why', async () => {
    const { session, modelUrl } = await bootstrapped();
    client = await RawClient.open(`${modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
    expect(await session.arm(2, REMOVE, 'client-0')).toEqual({ applied: true });
    const settled = await session.quiesce();
    expect(await destroyed(session)).toEqual([]);
    const records = await eventRecords(session);
    expect(records).toEqual([
      expect.objectContaining({ index: 2, applied: false, note: notWaitedOnWatcherNote('client-0') }),
    ]);
    // The quiesce answer tells the harness what its records will (closing.ts reads it before they come).
    expect(settled).toEqual([{ index: 2, t: records[0]!.t, applied: false }]);
    expect((await session.status()).armed).toBe(0);
  });

  it("tied to the program's login: fires at its first login after it lost its watcher, recorded applied at that moment", async () => {
    const { session, modelUrl } = await bootstrapped();
    expect(await session.arm(2, REMOVE_AT_LOGIN, 'client-0')).toEqual({ applied: true });

    // A first login, then a second connection's login while the first still watches: no watcher lost.
    client = await RawClient.open(`${modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
    const second = await RawClient.open(`${modelUrl}?client=client-0`);
    await second.login();
    second.close();
    expect(await destroyed(session)).toEqual([]);
    expect(await eventRecords(session)).toEqual([]); // armed, not applied: nothing to record yet

    // The watching connection gone: the next login removes it, before the new watcher's snapshot.
    client.close();
    await waitFor(async () =>
      (await session.history()).records.some((r) => r.type === 'watcher-stop' && r.client === 'client-0'),
    );
    client = await RawClient.open(`${modelUrl}?client=client-0`);
    await client.login();
    const settled = await session.quiesce(); // fired already: the plan's end records nothing more for it
    expect(await destroyed(session)).toEqual(['old-mysql']);
    const records = (await session.history()).records;
    const [fired, ...more] = records.filter((r) => r.type === 'event');
    expect(more).toEqual([]);
    expect(settled).toEqual([{ index: 2, t: fired!.t, applied: true }]); // when it fired, not when asked
    expect(fired).toMatchObject({
      index: 2,
      event: REMOVE_AT_LOGIN,
      applied: true,
      note: "at client-0's login after it lost its watcher: the operator removed old-mysql",
    });
    // At that login: after the operator's removal, before the login's answer (its login record).
    const at = records.indexOf(fired!);
    const removal = records.findIndex((r) => r.type === 'request' && r.method === 'DestroyApplication');
    const lastLogin = records.map((r) => r.type === 'login' && r.client === 'client-0').lastIndexOf(true);
    expect(removal).toBeLessThan(at);
    expect(at).toBeLessThan(lastLogin);
  });

  it('tied to the login, it never fires while the program keeps its watcher: not applied, the note says why', async () => {
    const { session, modelUrl } = await bootstrapped();
    expect(await session.arm(2, REMOVE_AT_LOGIN, 'client-0')).toEqual({ applied: true });
    client = await RawClient.open(`${modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
    const second = await RawClient.open(`${modelUrl}?client=client-0`);
    await second.login(); // a login, but with its watcher live: not the moment
    second.close();
    expect((await session.status()).armed).toBe(1);
    await session.quiesce();
    expect(await destroyed(session)).toEqual([]);
    expect(await eventRecords(session)).toEqual([
      expect.objectContaining({
        index: 2,
        applied: false,
        note: 'client-0 never lost its watcher before the plan ended (quiescence injects no fault), so it never logged in again after losing it',
      }),
    ]);
    expect((await session.status()).armed).toBe(0);
  });

  it('tied to the login, it never fires when the program lost its watcher and never logged in again', async () => {
    const { session, modelUrl } = await bootstrapped();
    client = await RawClient.open(`${modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
    expect(await session.arm(2, REMOVE_AT_LOGIN, 'client-0')).toEqual({ applied: true });
    client.close();
    await waitFor(async () =>
      (await session.history()).records.some((r) => r.type === 'watcher-stop' && r.client === 'client-0'),
    );
    await session.quiesce();
    expect(await destroyed(session)).toEqual([]);
    expect(await eventRecords(session)).toEqual([
      expect.objectContaining({
        index: 2,
        applied: false,
        note: 'client-0 lost its watcher and did not log in again while it was lost, before the plan ended (quiescence injects no fault)',
      }),
    ]);
  });

  it('refuses a removal without an application, or on the old route, with one clear line', async () => {
    const { modelUrl } = await bootstrapped();
    const uuid = /\/model\/([0-9a-f-]{36})\//.exec(modelUrl)![1]!;
    const auth = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`;
    const post = async (action: string, body: unknown): Promise<{ status: number; error: string }> => {
      const res = await fetch(`http://127.0.0.1:${server!.port}/admin/${uuid}/${action}`, {
        method: 'POST',
        headers: { authorization: auth },
        body: JSON.stringify(body),
      });
      return { status: res.status, error: ((await res.json()) as { error: string }).error };
    };
    const noApp = { kind: 'remove', client: 0, on: 'login' };
    expect(await post('arm', { index: 2, client: 'client-0', event: noApp })).toEqual({
      status: 400,
      error: 'arm takes a remove as {"kind": "remove", "client": 0, "app": "mysql", "on"?: "login"}',
    });
    const untied = { kind: 'disconnect', client: 0 };
    expect(await post('arm', { index: 2, client: 'client-0', event: untied })).toEqual({
      status: 400,
      error:
        "arm takes a disconnect, partition, slow, half-open, stop-watcher, restart or upgrade tied to API activity, or a remove (the operator's)",
    });
    expect(await post('operator-remove', { app: 'old-mysql', client: 'client-0' })).toMatchObject({ status: 404 });
  });
});
