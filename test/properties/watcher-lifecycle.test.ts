import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { judge } from '../../properties/property.ts';
import { watcherLifecycle } from '../../properties/watcher-lifecycle.ts';
import { history, messages } from './build.ts';

const c = 'client-0';
const open = (conn: number): HistoryBody => ({ type: 'conn-open', conn, client: c });
const close = (conn: number, reason: 'client' | 'agent-down' | 'fault' = 'fault'): HistoryBody => ({
  type: 'conn-close',
  conn,
  client: c,
  reason,
});
const start = (conn: number, watcher: string): HistoryBody => ({ type: 'watcher-start', conn, client: c, watcher });
const stop = (conn: number, watcher: string, reason: 'client' | 'connection'): HistoryBody => ({
  type: 'watcher-stop',
  conn,
  client: c,
  watcher,
  reason,
});
const call = (conn: number, facade: string, method: string, watcher?: string): HistoryBody => ({
  type: 'request',
  conn,
  client: c,
  facade,
  method,
  accepted: true,
  ...(watcher !== undefined ? { watcher } : {}),
});

describe('watcher-lifecycle', () => {
  it('holds for watchers stopped by their client or with their connection, whichever record comes first', () => {
    const h = history()
      .at(0, { type: 'bootstrap', version: '1.24.0', desired: '1.24.0' }, open(1))
      .at(5, call(1, 'Client', 'WatchAll'), start(1, '1'), call(1, 'AllWatcher', 'Next', '1'))
      .at(10, call(1, 'AllWatcher', 'Stop', '1'), stop(1, '1', 'client'))
      .at(11, call(1, 'Client', 'WatchAll'), start(1, '2'))
      .at(20, stop(1, '2', 'connection'), close(1))
      .at(30, open(2), start(2, '3'))
      .at(40, close(2, 'agent-down'), stop(2, '3', 'connection'))
      .at(50, open(3), start(3, '4')) // still live at the end: the run ended
      .end(60);
    expect(judge(watcherLifecycle, h)).toEqual({ property: 'watcher-lifecycle', verdict: 'held' });
  });

  it('fails a watcher that outlives its connection, at the close', () => {
    const h = history().at(0, open(1)).at(5, start(1, '1')).at(20, close(1)).end(60);
    expect(watcherLifecycle.check(h)).toEqual([
      {
        property: 'watcher-lifecycle',
        t: 20,
        message: 'watcher 1 outlived conn 1: not stopped when the connection closed',
      },
    ]);
  });

  it('fails a watcher stopped twice, and one stopped for a client that never asked', () => {
    const h = history()
      .at(0, open(1))
      .at(5, start(1, '1'), start(1, '2'))
      .at(10, call(1, 'AllWatcher', 'Stop', '1'), stop(1, '1', 'client'))
      .at(12, stop(1, '1', 'connection'), stop(1, '2', 'client'), close(1))
      .end(60);
    expect(messages(watcherLifecycle.check(h))).toEqual([
      'watcher 1 stopped twice (again by connection)',
      'watcher 2 stopped for its client, which never asked (no accepted AllWatcher.Stop)',
    ]);
  });

  it('takes a close burst as one, even across a tick and with client records between (real targets)', () => {
    const h = history()
      .at(0, open(1))
      .at(5, start(1, '1'))
      .at(20, stop(1, '1', 'connection'))
      .at(21, { type: 'client-conn', client: c, conn: 1, state: 'closed' }, close(1))
      .end(60);
    expect(watcherLifecycle.check(h)).toEqual([]);
  });

  it("fails a 'connection' stop whose connection stays open", () => {
    const h = history()
      .at(0, open(1))
      .at(5, start(1, '1'))
      .at(10, stop(1, '1', 'connection'))
      .end(60);
    expect(messages(watcherLifecycle.check(h))).toEqual([
      'watcher 1 stopped for its connection, but conn 1 did not close',
    ]);
  });

  it('fails anything served on a closed connection or for a stopped watcher', () => {
    const h = history()
      .at(0, open(1))
      .at(5, start(1, '1'))
      .at(10, call(1, 'AllWatcher', 'Stop', '1'), stop(1, '1', 'client'))
      .at(11, call(1, 'AllWatcher', 'Next', '1'))
      .at(20, close(1, 'client'))
      .at(21, call(1, 'Application', 'Deploy'), start(1, '2'), { type: 'login', conn: 1, client: c, ok: true })
      .end(60);
    const v = watcherLifecycle.check(h);
    expect(v.map((x) => x.t)).toEqual([11, 21, 21, 21]);
    expect(messages(v)).toEqual([
      'AllWatcher.Next from client-0 served for watcher 1, not live on conn 1',
      'Application.Deploy from client-0 served on conn 1, not open',
      'watcher 2 started on conn 1, not open',
      'login of client-0 accepted on conn 1, not open',
    ]);
  });

  it('a refused call is not served', () => {
    const h = history()
      .at(0, open(1))
      .at(20, close(1, 'client'))
      .at(21, {
        type: 'request',
        conn: 1,
        client: c,
        facade: 'AllWatcher',
        method: 'Next',
        accepted: false,
        watcher: '9',
      })
      .end(60);
    expect(watcherLifecycle.check(h)).toEqual([]);
  });

  it('cannot judge a history with no controller-side records (an external controller)', () => {
    const h = history()
      .at(0, { type: 'client-conn', client: c, conn: 1, state: 'open' })
      .at(5, { type: 'call', client: c, conn: 1, call: 1, facade: 'Client', method: 'WatchAll', longPoll: false })
      .end(60);
    expect(judge(watcherLifecycle, h)).toMatchObject({
      verdict: 'unknown',
      reason: expect.stringMatching(/controller/),
    });
  });
});
