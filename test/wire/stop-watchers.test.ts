/**
 * The admin route behind a timed `stop-watcher` on the process target (POST stop-watchers): the
 * controller stops the client's live watchers with its connection up, and a Next in flight is
 * answered "watcher was stopped" (code `stopped`); with no live watcher it has nothing to act on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WATCHER_STOPPED_ERROR } from '../../harness/history.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { openProgramSession, RawClient, waitFor } from './helpers.ts';

let server: ControllerServer | undefined;
let client: RawClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
});

describe('POST stop-watchers', () => {
  it("stops the client's watchers, its connection up; a Next in flight is answered stopped", async () => {
    const opened = await openProgramSession();
    server = opened.server;
    const session = opened.session;
    await session.bootstrap();
    client = await RawClient.open(`${opened.modelUrl}?client=client-0`);
    await client.login();
    expect(await session.stopWatchers('client-0')).toEqual({ applied: false }); // no watcher yet
    const id = String((await client.call('Client', 8, 'WatchAll')).response['watcher-id']);
    await client.call('AllWatcher', 3, 'Next', {}, id); // the snapshot
    const next = client.call('AllWatcher', 3, 'Next', {}, id); // waits for deltas
    // The Next is in flight once the controller's history says it was served.
    const nexts = async () =>
      (await session.history()).records.filter((r) => r.type === 'request' && r.method === 'Next').length;
    await waitFor(async () => (await nexts()) === 2, 60_000, 'the second Next');
    expect(await session.stopWatchers('client-0')).toEqual({ applied: true });
    expect(await next).toMatchObject({ error: WATCHER_STOPPED_ERROR, 'error-code': 'stopped' });
    const records = (await session.history()).records;
    expect(records.filter((r) => r.type === 'watcher-stop')).toMatchObject([{ watcher: id, reason: 'controller' }]);
    expect(records.filter((r) => r.type === 'conn-close')).toEqual([]);
    // The connection is up: a new watcher works.
    expect((await client.call('Client', 8, 'WatchAll')).error).toBeUndefined();
  });
});
