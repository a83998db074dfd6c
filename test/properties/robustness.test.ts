/**
 * Properties must judge any history the harness can write, including odd ones (records out of the
 * usual order, unmatched stops and returns): never throw, never mutate the history, and give the
 * same answer twice. Random histories over a small domain hit the odd cases quickly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryBody, HistoryRecord } from '../../harness/history.ts';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import { view } from './build.ts';

const client = fc.constantFrom('client-0', 'client-1');
const conn = fc.integer({ min: 1, max: 4 });
const version = fc.constantFrom('1.22.1', '1.22.3', '1.23-beta1.1');
const app = fc.constantFrom('wp', 'db');
const n = fc.integer({ min: 1, max: 3 });
const method = fc.constantFrom('Application.Deploy', 'Client.FullStatus', 'AllWatcher.Next');
const model = fc.constantFrom(
  view({}),
  view({ wp: { 'wp/0': 'active' } }),
  view({ wp: { 'wp/0': 'waiting' }, db: {} }),
);

const body: fc.Arbitrary<HistoryBody> = fc.oneof(
  fc.record({ type: fc.constant('bootstrap' as const), version, desired: version }),
  fc.record(
    { type: fc.constant('upgrade-requested' as const), explicit: fc.boolean(), chosen: version, requested: version },
    { requiredKeys: ['type', 'explicit'] },
  ),
  fc.record({ type: fc.constant('upgrade-pending' as const), from: version, to: version }),
  fc.record({ type: fc.constant('upgrade-end' as const), version }),
  fc.record({
    type: fc.constant('agent-down' as const),
    reason: fc.constantFrom('upgrade' as const, 'restart' as const),
  }),
  fc.record({ type: fc.constant('agent-up' as const), version }),
  fc.record({ type: fc.constant('version' as const), from: version, to: version }),
  fc.record({
    type: fc.constantFrom('fault-start' as const, 'fault-end' as const),
    fault: fc.constant('partition' as const),
    client,
  }),
  fc.record({
    type: fc.constant('conn-close' as const),
    conn,
    client,
    reason: fc.constantFrom('client' as const, 'agent-down' as const, 'fault' as const),
  }),
  fc.record({ type: fc.constant('watcher-start' as const), conn, client, watcher: fc.constant('w') }),
  fc.record({
    type: fc.constant('watcher-stop' as const),
    conn,
    client,
    watcher: fc.constant('w'),
    reason: fc.constantFrom('client' as const, 'connection' as const),
  }),
  fc.record({ type: fc.constant('hook-start' as const), unit: fc.constant('wp/0'), hook: fc.constant('install') }),
  fc
    .tuple(method, conn, client, fc.boolean(), fc.array(app, { maxLength: 2 }))
    .map(([m, c, cl, accepted, apps]): HistoryBody => {
      const [facade, name] = m.split('.') as [string, string];
      return { type: 'request', conn: c, client: cl, facade, method: name, accepted, apps };
    }),
  fc.record({
    type: fc.constant('invoke' as const),
    client,
    op: n,
    f: fc.constant('deploy' as const),
    value: fc.record({ app, units: n }),
  }),
  fc.record({
    type: fc.constantFrom('ok' as const, 'fail' as const, 'info' as const),
    client,
    op: n,
    f: fc.constant('deploy' as const),
  }),
  fc.tuple(method, conn, client, n).map(([m, c, cl, call]): HistoryBody => {
    const [facade, name] = m.split('.') as [string, string];
    return { type: 'call', client: cl, conn: c, call, facade, method: name, longPoll: m === 'AllWatcher.Next' };
  }),
  fc.record({
    type: fc.constant('return' as const),
    client,
    conn,
    call: n,
    outcome: fc.constantFrom('ok' as const, 'closed' as const),
  }),
  fc.record({
    type: fc.constant('client-conn' as const),
    client,
    conn,
    state: fc.constantFrom('open' as const, 'closed' as const),
  }),
  fc.record({ type: fc.constant('client-view' as const), client, watching: fc.boolean(), view: model }),
  fc.record({ type: fc.constant('final-model' as const), version, model }),
);

const historyArb = fc
  .tuple(
    fc.option(version, { nil: undefined }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 700 }), body), { maxLength: 60 }),
  )
  .map(([testedVersion, steps]) => {
    const records: HistoryRecord[] = [
      {
        t: 0,
        type: 'run-start',
        scenario: 'fuzz',
        target: 'sim',
        seed: 0,
        params: {
          clients: ['client-0', 'client-1'],
          resumeDeadlineMs: 1000,
          requestDeadlineMs: 500,
          ...(testedVersion ? { testedVersion } : {}),
        },
      },
    ];
    let t = 0;
    for (const [dt, b] of steps) records.push({ t: (t += dt), ...b } as HistoryRecord);
    records.push({ t, type: 'run-end' });
    return records;
  });

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('properties on random histories', () => {
  it('never throw or mutate the history, and answer the same twice', () => {
    fc.assert(
      fc.property(historyArb, (records) => {
        const history = deepFreeze(structuredClone(records));
        for (const p of ALL_PROPERTIES) {
          const first = p.check(history);
          expect(p.check(history)).toEqual(first);
          for (const v of first) {
            expect(v.property).toBe(p.name);
            expect(Number.isFinite(v.t)).toBe(true);
            expect(v.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
