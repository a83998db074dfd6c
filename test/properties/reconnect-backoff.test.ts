import { describe, expect, it } from 'vitest';
import type { HistoryBody, HistoryRecord } from '../../harness/history.ts';
import { judge } from '../../properties/property.ts';
import { MAX_RETRIES_PER_WINDOW, reconnectBackoff, RETRY_WINDOW_MS } from '../../properties/reconnect-backoff.ts';
import { history, type HistoryBuilder } from './build.ts';

const c = 'client-0';
const boot: HistoryBody = { type: 'bootstrap', version: '1.24.0', desired: '1.24.0' };
const open = (conn: number, client = c): HistoryBody => ({ type: 'conn-open', conn, client });
const refused = (client = c): HistoryBody => ({ type: 'conn-refused', client });
const close = (conn: number, reason: 'client' | 'agent-down' | 'fault', client = c): HistoryBody => ({
  type: 'conn-close',
  conn,
  client,
  reason,
});
const login = (conn: number, client = c): HistoryBody => ({ type: 'login', conn, client, ok: true });

/** A dial refused at each of `times` (one client unless said). */
function refusedAt(h: HistoryBuilder, times: readonly number[], client = c): HistoryBuilder {
  for (const t of times) h.at(t, refused(client));
  return h;
}

/** The built-in profiles' schedule: 0.5 s, then doubling to 8 s (their jitter left out). */
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000];

describe('reconnect-backoff', () => {
  it('holds for a client that backs off while the agent is down, however many dials it takes', () => {
    const h = history().at(0, boot, open(1), login(1)).at(1_000, { type: 'agent-down', reason: 'upgrade' });
    h.at(1_000, close(1, 'agent-down'));
    let t = 1_000;
    for (const wait of BACKOFF_MS) h.at((t += wait), refused());
    h.at((t += 8_000), open(2), login(2));
    expect(judge(reconnectBackoff, h.end(t + 1_000))).toEqual({ property: 'reconnect-backoff', verdict: 'held' });
  });

  it(`holds for exactly ${MAX_RETRIES_PER_WINDOW} retries within a window, and for retries spread over it`, () => {
    const ten = Array.from({ length: MAX_RETRIES_PER_WINDOW }, (_, i) => 100 + i * 10);
    expect(reconnectBackoff.check(refusedAt(history().at(0, boot, open(1)), ten).end(50_000))).toEqual([]);
    // One a second, every second: the 11th is a full window after the first.
    const everySecond = Array.from({ length: 40 }, (_, i) => 1_000 + i * 1_000);
    expect(reconnectBackoff.check(refusedAt(history().at(0, boot, open(1)), everySecond).end(50_000))).toEqual([]);
  });

  it('fails a client that redials at once, at its 11th retry within the window, once per client', () => {
    const h = history().at(0, boot, open(1), login(1)).at(1_000, close(1, 'agent-down'));
    // The first dial after the drop is prompted; the next 11 are retries, 20 ms apart; 30 more follow.
    refusedAt(
      h,
      Array.from({ length: 42 }, (_, i) => 1_010 + i * 20),
    );
    const violations = reconnectBackoff.check(h.end(5_000));
    expect(violations).toEqual([
      {
        property: 'reconnect-backoff',
        t: 1_010 + 11 * 20,
        client: c,
        message:
          'client-0 tried again 11 times within 200ms with no connection dropped by the controller in between ' +
          '(11 of them dials refused while the agent was down): at most 10 in 10s, a client must back off; 41 retries in the run',
      },
    ]);
  });

  it('gives the real time on a real target', () => {
    const h = history({ timeScale: 0.1 }).at(0, boot, open(1));
    refusedAt(
      h,
      Array.from({ length: 11 }, (_, i) => 100 + i * 100),
    );
    expect(reconnectBackoff.check(h.end(5_000))[0]?.message).toMatch(
      /^client-0 tried again 11 times within 1s \(100ms real at time scale 0\.1\) /,
    );
  });

  it('counts logins on a connection that had one, and accepted dials after a connection the client closed', () => {
    const relogins = history().at(0, boot, open(1), login(1));
    for (let i = 1; i <= 11; i++) relogins.at(i * 10, login(1));
    expect(reconnectBackoff.check(relogins.end(1_000)).map((v) => v.t)).toEqual([110]);

    // Each connection accepted, logged in, then closed by the client itself ("upgrade in progress"
    // answered by dropping the connection): a login storm with no refused dial in it.
    const closing = history().at(0, boot);
    for (let conn = 1; conn <= 12; conn++) closing.at(conn * 10, open(conn), login(conn), close(conn, 'client'));
    expect(reconnectBackoff.check(closing.end(1_000))).toMatchObject([{ t: 120, client: c }]);
  });

  it('lets a client dial again at once after each connection the controller dropped', () => {
    // Faults at every login: each reconnect is prompted, however close together.
    const h = history().at(0, boot);
    for (let conn = 1; conn <= 30; conn++) h.at(conn * 10, open(conn), login(conn), close(conn, 'fault'));
    const upgrade = history().at(0, boot);
    for (let conn = 1; conn <= 30; conn++) upgrade.at(conn * 10, open(conn), login(conn), close(conn, 'agent-down'));
    expect(reconnectBackoff.check(h.end(1_000))).toEqual([]);
    expect(reconnectBackoff.check(upgrade.end(1_000))).toEqual([]);
  });

  it('judges each client on its own retries', () => {
    const h = history().at(0, boot, open(1, 'client-0'), open(2, 'client-1'));
    // Two clients, six retries each, interleaved within one window: neither goes over.
    for (let i = 0; i < 6; i++) h.at(100 + i * 10, refused('client-0'), refused('client-1'));
    expect(reconnectBackoff.check(h.end(RETRY_WINDOW_MS))).toEqual([]);
  });

  it('cannot judge a history without controller-side records', () => {
    const h: HistoryRecord[] = [...history().end(10)];
    expect(judge(reconnectBackoff, h)).toMatchObject({ verdict: 'unknown' });
  });
});
