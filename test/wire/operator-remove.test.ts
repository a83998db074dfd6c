/**
 * The operator's remove-application in a program's run (controller/operator.ts, wire/session.ts):
 * at the program's next watcher wait while it watches, so the removal reaches it as a `remove`
 * delta; at once while it has lost its watcher with its connection, so the removal reaches it only
 * through the snapshot of the watcher it makes after reconnecting (which a view merged rather than
 * replaced keeps as a ghost: trial9's merge-snapshot). Tied to the program's login (`on: 'login'`),
 * a plan event armed like a tied fault: at its first login after it lost its watcher, not at one
 * while it still watches, and recorded then; or, if that never comes, recorded not applied at the
 * plan's end (quiesce) with the part of the moment that never came.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import type { PlanEvent } from '../../harness/plan.ts';
import { AdminClient } from '../../harness/wire/admin-client.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { CREDENTIALS, fastProfile, RawClient, startServer, waitFor } from './helpers.ts';

let server: ControllerServer | undefined;
let client: RawClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
});

describe('the operator removes an application of a program run', () => {
  it('at the next watcher wait while the program watches, at once once it lost its watcher', async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    const admin = AdminClient.forPort(server.port, CREDENTIALS);
    const opened = await admin.openSession({ seed: 1 });
    const session = admin.session(opened.modelUuid);
    expect(await session.bootstrap(['old-mysql', 'old-postgresql'])).toEqual({ applied: true });
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();

    // Watching (no Next in flight yet): armed for its next watcher wait, nothing removed now.
    expect(await session.operatorRemove('old-mysql', 'client-0')).toEqual({ applied: true });
    const destroyed = async () =>
      (await session.history()).records.flatMap((r) =>
        r.type === 'request' && r.method === 'DestroyApplication' && r.accepted ? (r.apps ?? []) : [],
      );
    expect(await destroyed()).toEqual([]);

    // Its connection gone (the watcher with it): removed at once, while it is away.
    client.close();
    await waitFor(async () => (await session.history()).records.some((r) => r.type === 'conn-close'));
    expect(await session.operatorRemove('old-postgresql', 'client-0')).toEqual({
      applied: true,
      note: 'the operator removed old-postgresql while client-0 had lost its watcher',
    });
    expect(await destroyed()).toEqual(['old-postgresql']);
  });

  it("tied to the program's login: fires at its first login after it lost its watcher, recorded applied at that moment", async () => {
    const { session, opened } = await openSession();
    expect(await session.arm(2, REMOVE_AT_LOGIN, 'client-0')).toEqual({ applied: true });

    // A first login, then a second connection's login while the first still watches: no watcher lost.
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
    const second = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await second.login();
    second.close();
    let records = (await session.history()).records;
    expect(destroyed(records)).toEqual([]);
    expect(eventRecords(records)).toEqual([]); // armed, not applied: nothing to record yet

    // The watching connection gone: the next login removes it, before the new watcher's snapshot.
    client.close();
    await waitFor(async () =>
      (await session.history()).records.some((r) => r.type === 'watcher-stop' && r.client === 'client-0'),
    );
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    await session.quiesce(); // fired already: the plan's end records nothing more for it
    records = (await session.history()).records;
    expect(destroyed(records)).toEqual(['old-mysql']);
    const [fired, ...more] = eventRecords(records);
    expect(more).toEqual([]);
    expect(fired).toMatchObject({
      index: 2,
      event: REMOVE_AT_LOGIN,
      applied: true,
      note: 'the operator removed old-mysql as client-0 logged in again after losing its watcher',
    });
    // At that login: after the operator's removal, before the login's answer (its login record).
    const at = records.indexOf(fired!);
    const removal = records.findIndex((r) => r.type === 'request' && r.method === 'DestroyApplication');
    const lastLogin = records.map((r) => r.type === 'login' && r.client === 'client-0').lastIndexOf(true);
    expect(removal).toBeLessThan(at);
    expect(at).toBeLessThan(lastLogin);
  });

  it('tied to the login, it never fires while the program keeps its watcher: not applied, the note says why', async () => {
    const { session, opened } = await openSession();
    expect(await session.arm(2, REMOVE_AT_LOGIN, 'client-0')).toEqual({ applied: true });
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
    const second = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await second.login(); // a login, but with its watcher live: not the moment
    second.close();
    expect((await session.status()).armed).toBe(1);
    await session.quiesce();
    const records = (await session.history()).records;
    expect(destroyed(records)).toEqual([]);
    expect(eventRecords(records)).toEqual([
      expect.objectContaining({
        index: 2,
        applied: false,
        note: 'client-0 never lost its watcher before the plan ended (quiescence injects no fault), so it never logged in again after losing it',
      }),
    ]);
    expect((await session.status()).armed).toBe(0);
  });

  it('tied to the login, it never fires when the program lost its watcher and never logged in again', async () => {
    const { session, opened } = await openSession();
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
    expect(await session.arm(2, REMOVE_AT_LOGIN, 'client-0')).toEqual({ applied: true });
    client.close();
    await waitFor(async () =>
      (await session.history()).records.some((r) => r.type === 'watcher-stop' && r.client === 'client-0'),
    );
    await session.quiesce();
    const records = (await session.history()).records;
    expect(destroyed(records)).toEqual([]);
    expect(eventRecords(records)).toEqual([
      expect.objectContaining({
        index: 2,
        applied: false,
        note: 'client-0 lost its watcher and did not log in again while it was lost, before the plan ended (quiescence injects no fault)',
      }),
    ]);
  });

  it('refuses a tied removal on the wrong route or without an application, with one clear line', async () => {
    const { opened } = await openSession();
    const post = async (action: string, body: unknown): Promise<{ status: number; error: string }> => {
      const res = await fetch(`http://127.0.0.1:${server!.port}/admin/${opened.modelUuid}/${action}`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, error: ((await res.json()) as { error: string }).error };
    };
    expect(await post('operator-remove', { app: 'old-mysql', client: 'client-0', on: 'login' })).toEqual({
      status: 400,
      error:
        'operator-remove takes no "on": a removal tied to a login is a plan event, armed with POST arm {"index": N, "client": "client-0", "event": {"kind": "remove", "client": 0, "app": "mysql", "on": "login"}}',
    });
    const noApp = { kind: 'remove', client: 0, on: 'login' };
    expect(await post('arm', { index: 2, client: 'client-0', event: noApp })).toEqual({
      status: 400,
      error: 'arm takes a remove as {"kind": "remove", "client": 0, "app": "mysql", "on": "login"}',
    });
    const untied = { kind: 'remove', client: 0, app: 'mysql' };
    expect(await post('arm', { index: 2, client: 'client-0', event: untied })).toEqual({
      status: 400,
      error:
        'arm takes a disconnect, partition, half-open, stop-watcher, restart or upgrade tied to API activity, or a remove tied to "login"',
    });
  });
});

const REMOVE_AT_LOGIN: PlanEvent = { kind: 'remove', client: 0, app: 'mysql', on: 'login' };

/** A session of its own on a fresh server, bootstrapped with the operator's old-mysql. */
async function openSession() {
  server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
  const admin = AdminClient.forPort(server.port, CREDENTIALS);
  const opened = await admin.openSession({ seed: 1 });
  const session = admin.session(opened.modelUuid);
  expect(await session.bootstrap(['old-mysql'])).toEqual({ applied: true });
  return { session, opened };
}

/** The applications the operator (or anyone) removed, as the controller accepted it. */
function destroyed(records: readonly HistoryRecord[]): string[] {
  return records.flatMap((r) =>
    r.type === 'request' && r.method === 'DestroyApplication' && r.accepted ? (r.apps ?? []) : [],
  );
}

function eventRecords(records: readonly HistoryRecord[]) {
  return records.filter((r) => r.type === 'event');
}
