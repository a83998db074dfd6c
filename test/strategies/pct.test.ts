import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlanEvent } from '../../harness/plan.ts';
import { actorOf, pctSchedule, queuesOf } from '../../harness/strategies/pct.ts';

const boot: PlanEvent = { kind: 'bootstrap' };
const deploy = (app: string): PlanEvent => ({ kind: 'deploy', client: 0, app, units: 1 });
const wait = (durationMs: number): PlanEvent => ({ kind: 'wait', durationMs });
const actors = ['bootstrap', 'clock', 'client-0'];

describe('PCT on plans', () => {
  const queues = queuesOf([boot, wait(1), wait(2), deploy('a'), deploy('b')]);

  it('runs the highest-priority actor with events left', () => {
    // keys: clock highest, then client-0, then bootstrap
    const plan = pctSchedule({ queues, keys: [0, 9, 5], actors, changePoints: [], depth: 3 });
    expect(plan).toEqual([wait(1), wait(2), deploy('a'), deploy('b'), boot]);
  });

  it('drops the running actor below every other at a change point', () => {
    // after step 1 the clock (highest) drops: the client runs, then the bootstrap, then the clock again
    const plan = pctSchedule({ queues, keys: [0, 9, 5], actors, changePoints: [1], depth: 3 });
    expect(plan).toEqual([wait(1), deploy('a'), deploy('b'), boot, wait(2)]);
  });

  it("keeps each actor's own order and every event, whatever the priorities", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
        (keys, changePoints) => {
          const plan = pctSchedule({ queues, keys, actors, changePoints, depth: 3 });
          expect([...plan].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
            [boot, wait(1), wait(2), deploy('a'), deploy('b')].sort((a, b) =>
              JSON.stringify(a).localeCompare(JSON.stringify(b)),
            ),
          );
          for (const actor of actors) expect(plan.filter((e) => actorOf(e) === actor)).toEqual(queues.get(actor) ?? []);
        },
      ),
    );
  });
});

describe('pct actors of the new events', () => {
  it('gives removals and re-created watchers to their client, chained upgrades to the operator', () => {
    expect(actorOf({ kind: 'remove', client: 1, app: 'a' })).toBe('client-1');
    expect(actorOf({ kind: 'rewatch', client: 0 })).toBe('client-0');
    expect(actorOf({ kind: 'chained-upgrade', version: '1.24.3' })).toBe('operator');
  });
});
