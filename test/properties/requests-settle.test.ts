import { describe, expect, it } from 'vitest';
import type { HistoryBody, Outcome } from '../../harness/history.ts';
import { requestsSettle } from '../../properties/requests-settle.ts';
import { history, messages } from './build.ts';

// Client-side records for client-0 on conn 1 unless told otherwise.
const call = (n: number, method = 'Client.FullStatus', conn = 1): HistoryBody => {
  const [facade, name] = method.split('.') as [string, string];
  return {
    type: 'call',
    client: 'client-0',
    conn,
    call: n,
    facade,
    method: name,
    longPoll: method === 'AllWatcher.Next',
  };
};
const ret = (n: number, outcome: Outcome = 'ok', conn = 1): HistoryBody => ({
  type: 'return',
  client: 'client-0',
  conn,
  call: n,
  outcome,
});
const conn = (n: number, state: 'open' | 'closed'): HistoryBody => ({
  type: 'client-conn',
  client: 'client-0',
  conn: n,
  state,
});

describe('requests-settle (deadline 500ms)', () => {
  it('holds when every call returns within the deadline, whatever the outcome', () => {
    const h = history()
      .at(0, conn(1, 'open'))
      .at(10, call(1), call(2, 'Application.Deploy'), call(3, 'Pinger.Ping'))
      .at(20, ret(2, 'error'))
      .at(300, ret(3, 'closed'), conn(1, 'closed'))
      .at(510, ret(1, 'timeout'))
      .end(1000);
    expect(requestsSettle.check(h)).toEqual([]);
  });

  it('fails a call answered after its deadline, at the deadline', () => {
    const h = history().at(10, call(1)).at(511, ret(1)).end(1000);
    expect(requestsSettle.check(h)).toEqual([
      {
        property: 'requests-settle',
        t: 510,
        since: 10,
        client: 'client-0',
        message: 'Client.FullStatus (client-0 call 1, conn 1, at t=10ms) returned ok after 501ms, deadline 500ms',
      },
    ]);
  });

  it('fails a call that never returns, at its deadline or at the end if that comes first', () => {
    const late = history().at(10, call(1)).end(1000);
    const early = history().at(10, call(1)).end(200);
    expect(requestsSettle.check(late).map((v) => v.t)).toEqual([510]);
    expect(requestsSettle.check(early).map((v) => v.t)).toEqual([200]);
    expect(messages(requestsSettle.check(late))).toEqual([
      'Client.FullStatus (client-0 call 1, conn 1, at t=10ms) never returned (deadline 500ms)',
    ]);
  });

  it('matches returns by client and call', () => {
    const h = history()
      .at(10, call(1))
      .at(20, { type: 'return', client: 'client-1', conn: 1, call: 1, outcome: 'ok' })
      .end(1000);
    expect(requestsSettle.check(h)).toHaveLength(1);
  });

  it('matches each return with its own call when several are pending and answered out of order', () => {
    const client1 = (body: HistoryBody): HistoryBody => ({ ...body, client: 'client-1' }) as HistoryBody;
    const h = history()
      .at(10, call(1), call(2, 'Application.Deploy'), client1(call(1, 'Pinger.Ping')), call(3, 'Pinger.Ping'))
      .at(100, ret(2))
      .at(200, client1(ret(1)))
      .at(600, ret(3))
      .end(700);
    // Call 3 late and call 1 never answered, both decided by their deadline at 510.
    expect(messages(requestsSettle.check(h))).toEqual([
      'Pinger.Ping (client-0 call 3, conn 1, at t=10ms) returned ok after 590ms, deadline 500ms',
      'Client.FullStatus (client-0 call 1, conn 1, at t=10ms) never returned (deadline 500ms)',
    ]);
  });

  it('times a call number sent again while pending from the last send, and keeps it where first sent', () => {
    const h = history().at(10, call(1), call(2)).at(400, call(1, 'Pinger.Ping')).at(700, ret(1)).end(1000);
    expect(messages(requestsSettle.check(h))).toEqual([
      'Client.FullStatus (client-0 call 2, conn 1, at t=10ms) never returned (deadline 500ms)',
    ]);
    // Both unanswered at the end, at the same time: in the order the calls were first sent.
    expect(messages(requestsSettle.check(history().at(10, call(1), call(2)).at(20, call(1)).end(30)))).toEqual([
      'Client.FullStatus (client-0 call 1, conn 1, at t=20ms) never returned (deadline 500ms)',
      'Client.FullStatus (client-0 call 2, conn 1, at t=10ms) never returned (deadline 500ms)',
    ]);
  });

  it('lets a long poll wait past the deadline, and stay pending on a connection still open', () => {
    const h = history()
      .at(0, conn(1, 'open'))
      .at(10, call(1, 'AllWatcher.Next'))
      .at(5000, ret(1))
      .at(5001, call(2, 'AllWatcher.Next'))
      .end(9000);
    expect(requestsSettle.check(h)).toEqual([]);
  });

  it('holds when a long poll is settled after its connection is closed', () => {
    const h = history()
      .at(10, call(1, 'AllWatcher.Next'))
      .at(100, conn(1, 'closed'))
      .at(100, ret(1, 'closed'))
      .end(9000);
    expect(requestsSettle.check(h)).toEqual([]);
  });

  it('fails a long poll left hanging on a connection the client closed', () => {
    const h = history()
      .at(0, conn(1, 'open'), conn(2, 'open'))
      .at(10, call(1, 'AllWatcher.Next'), call(2, 'AllWatcher.Next', 2))
      .at(100, conn(1, 'closed'))
      .end(9000);
    expect(requestsSettle.check(h)).toEqual([
      {
        property: 'requests-settle',
        t: 9000,
        client: 'client-0',
        message:
          'AllWatcher.Next (client-0 call 1, conn 1, at t=10ms) long poll left hanging after the client closed conn 1',
      },
    ]);
  });

  it('only counts a close that comes after the long poll', () => {
    const h = history().at(0, conn(1, 'closed')).at(10, call(1, 'AllWatcher.Next')).end(9000);
    expect(requestsSettle.check(h)).toEqual([]);
  });

  it('fails an operation with no ok, fail or info by the end', () => {
    const h = history()
      .at(10, { type: 'invoke', client: 'client-0', op: 1, f: 'deploy', value: { app: 'wp', units: 1 } })
      .at(10, { type: 'invoke', client: 'client-0', op: 2, f: 'deploy', value: { app: 'db', units: 1 } })
      .at(10, { type: 'invoke', client: 'client-1', op: 1, f: 'deploy', value: { app: 'mq', units: 1 } })
      .at(50, { type: 'fail', client: 'client-0', op: 1, f: 'deploy', error: 'upgrade in progress' })
      .at(60, { type: 'info', client: 'client-1', op: 1, f: 'deploy' })
      .end(1000);
    expect(requestsSettle.check(h)).toEqual([
      {
        property: 'requests-settle',
        t: 1000,
        since: 10,
        client: 'client-0',
        message: 'client-0 op 2 (deploy db): operation still pending at quiescence',
      },
    ]);
  });

  it('sorts violations by time', () => {
    const h = history()
      .at(10, { type: 'invoke', client: 'client-0', op: 1, f: 'deploy', value: { app: 'wp', units: 1 } })
      .at(20, call(1))
      .at(30, call(2))
      .at(700, ret(2))
      .end(1000);
    expect(requestsSettle.check(h).map((v) => v.t)).toEqual([520, 530, 1000]);
  });
});
