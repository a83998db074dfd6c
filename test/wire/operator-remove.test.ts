/**
 * The operator's remove-application in a program's run (controller/operator.ts, wire/session.ts):
 * at the program's next watcher wait while it watches, so the removal reaches it as a `remove`
 * delta; at once while it has lost its watcher with its connection, so the removal reaches it only
 * through the snapshot of the watcher it makes after reconnecting (which a view merged rather than
 * replaced keeps as a ghost: trial9's merge-snapshot). Tied to the program's login (`on: 'login'`):
 * at its first login after it lost its watcher, not at one while it still watches.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../harness/wire/admin-client.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { openProgramSession, RawClient, waitFor } from './helpers.ts';

let server: ControllerServer | undefined;
let client: RawClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
});

/** The applications the controller destroyed, in order. */
const destroyed = async (session: AdminClient): Promise<string[]> =>
  (await session.history()).records.flatMap((r) =>
    r.type === 'request' && r.method === 'DestroyApplication' && r.accepted ? (r.apps ?? []) : [],
  );

describe('the operator removes an application of a program run', () => {
  it('at the next watcher wait while the program watches, at once once it lost its watcher', async () => {
    const opened = await openProgramSession();
    server = opened.server;
    const session = opened.session;
    expect(await session.bootstrap(['old-mysql', 'old-postgresql'])).toEqual({ applied: true });
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();

    // Watching (no Next in flight yet): armed for its next watcher wait, nothing removed now.
    expect(await session.operatorRemove('old-mysql', 'client-0')).toEqual({ applied: true });
    expect(await destroyed(session)).toEqual([]);

    // Its connection gone (the watcher with it): removed at once, while it is away.
    client.close();
    await waitFor(async () => (await session.history()).records.some((r) => r.type === 'conn-close'));
    expect(await session.operatorRemove('old-postgresql', 'client-0')).toEqual({
      applied: true,
      note: 'the operator removed old-postgresql while client-0 had lost its watcher',
    });
    expect(await destroyed(session)).toEqual(['old-postgresql']);
  });

  it("tied to the program's login: at its first login after it lost its watcher, before it watches again", async () => {
    const opened = await openProgramSession();
    server = opened.server;
    const session = opened.session;
    expect(await session.bootstrap(['old-mysql'])).toEqual({ applied: true });
    expect(await session.operatorRemove('old-mysql', 'client-0', 'login')).toEqual({ applied: true });

    // A first login, then a second connection's login while the first still watches: no watcher lost.
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
    const second = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await second.login();
    second.close();
    expect(await destroyed(session)).toEqual([]);

    // The watching connection gone: the next login removes it, before the new watcher's snapshot.
    client.close();
    await waitFor(async () =>
      (await session.history()).records.some((r) => r.type === 'watcher-stop' && r.client === 'client-0'),
    );
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    expect(await destroyed(session)).toEqual(['old-mysql']);
  });
});
