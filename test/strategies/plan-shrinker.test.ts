import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planArbitrary } from '../../harness/arbitraries.ts';
import type { Plan } from '../../harness/plan.ts';
import { planShrinks, withPlanShrinker } from '../../harness/strategies/plan-shrinker.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const scenario = scenarioByName('juju-1.24-gated-api')!;
/** Fewer events first, then smaller parameters: what every shrink candidate must lower. */
const size = (p: Plan): number =>
  p.length * 1e9 +
  p.reduce(
    (n, e) =>
      n +
      ('durationMs' in e ? e.durationMs : 0) +
      ('latencyMs' in e ? e.latencyMs : 0) + // a slow link's delay
      ('units' in e ? e.units : 0) +
      ('client' in e ? e.client : 0) +
      ('on' in e ? 1 : 0) + // a fault tied to client activity shrinks into a timed one
      ((e.kind === 'restart' || e.kind === 'upgrade' || e.kind === 'chained-upgrade') && e.when
        ? 1 + e.when.client // a tied restart or upgrade shrinks into a timed one
        : 0) +
      (e.kind === 'upgrade' ? (e.version !== undefined ? 1 : 0) + (e.uploadTools ? 1 : 0) : 0) +
      (e.kind === 'chained-upgrade' ? 2 : 0), // a chained upgrade shrinks into a plain one
    0,
  );

const tiedScenario = { ...scenario, weights: { ...scenario.weights, 'on-activity': 3 } };

describe('the plan shrinker', () => {
  it('generates exactly what the plan arbitrary it wraps generates', () => {
    expect(fc.sample(withPlanShrinker(planArbitrary(scenario)), { numRuns: 30, seed: 4 })).toEqual(
      fc.sample(planArbitrary(scenario), { numRuns: 30, seed: 4 }),
    );
  });

  it('first merges adjacent waits, keeping the timeline', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 20_000 },
      { kind: 'wait', durationMs: 25_000 },
      { kind: 'restart' },
    ];
    const [first] = planShrinks(plan);
    expect(first).toEqual([{ kind: 'bootstrap' }, { kind: 'wait', durationMs: 45_000 }, { kind: 'restart' }]);
  });

  it('never removes the bootstrap, and only offers smaller plans', () => {
    fc.assert(
      fc.property(planArbitrary(tiedScenario), (plan) => {
        for (const smaller of planShrinks(plan)) {
          expect(smaller.filter((e) => e.kind === 'bootstrap')).toHaveLength(1);
          expect(size(smaller)).toBeLessThan(size(plan));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('shrinks a failure to the events that matter', () => {
    // fails whenever the plan has a restart and at least 40 s pass before it
    const failing = (plan: Plan): boolean => {
      let t = 0;
      for (const e of plan) {
        if (e.kind === 'restart' && t >= 40_000) return true;
        if (e.kind === 'wait') t += e.durationMs;
      }
      return false;
    };
    const details = fc.check(
      fc.property(withPlanShrinker(planArbitrary(scenario)), (plan) => !failing(plan)),
      { seed: 2, numRuns: 2000 },
    );
    expect(details.failed).toBe(true);
    const [plan] = details.counterexample!;
    expect(plan.filter((e) => e.kind !== 'bootstrap')).toEqual([
      { kind: 'wait', durationMs: 40_000 },
      { kind: 'restart' },
    ]);
  });

  it('unties a fault from client activity unless the failure needs the tie', () => {
    const tied = (plan: Plan, needsTie: boolean): boolean =>
      plan.some((e) => e.kind === 'partition' && (!needsTie || e.on === 'watch-next'));
    for (const needsTie of [false, true]) {
      const details = fc.check(
        fc.property(withPlanShrinker(planArbitrary(tiedScenario)), (plan) => !tied(plan, needsTie)),
        { seed: 3, numRuns: 2000 },
      );
      const [plan] = details.counterexample!;
      expect(plan.filter((e) => e.kind !== 'bootstrap')).toEqual([
        { kind: 'partition', client: 0, durationMs: 1_000, ...(needsTie ? { on: 'watch-next' } : {}) },
      ]);
    }
  });
});
