/**
 * Upgrades tied to a client's API moment, drawn: the weight `upgrade-on-activity` draws an
 * operator's upgrade (or publish-and-upgrade) that fires at a client's login, between its WatchAll
 * and its next call, as its Deploy arrives, while its Next is in flight or right after its Deploy
 * is answered, at the first such moment with no upgrade pending or running. These tests fail if
 * they stop being drawn, stop firing, or stop starting an upgrade at the named moment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planArbitrary } from '../../harness/arbitraries.ts';
import { FAULT_ACTIVITIES, SLOW_ACTIVITIES, UPGRADE_ACTIVITIES } from '../../harness/controller/activity-triggers.ts';
import { caseCoverage } from '../../harness/coverage.ts';
import type { HistoryRecord } from '../../harness/history.ts';
import { activityTie, formatPlan, type Plan, type PlanEvent } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { planShrinks } from '../../harness/strategies/plan-shrinker.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, { client: 'reconnecting' });

const tiedUpgrade = (e: PlanEvent): boolean =>
  (e.kind === 'upgrade' || e.kind === 'chained-upgrade') && activityTie(e) !== undefined;

/** The records of `history` from the tied event `index`'s own on: what it caused, and when. */
function firedAt(history: HistoryRecord[], index: number): { at: number; records: HistoryRecord[] } {
  const i = history.findIndex((r) => r.type === 'event' && r.index === index);
  expect(i, 'the tied upgrade fired').toBeGreaterThan(0);
  const event = history[i]!;
  expect(event).toMatchObject({ applied: true });
  // The upgrade's records precede its event record, at the same instant (recorded once it acted).
  const first = history.findIndex((r) => r.t === event.t && r.type === 'upgrade-requested');
  return { at: first, records: history.slice(first, i + 1) };
}

describe('upgrades tied to a client moment are drawn', () => {
  const plans = fc.sample(planArbitrary(config.scenario), { seed: 1, numRuns: 300 });
  const tied = plans.flat().filter(tiedUpgrade);

  it('in juju-1.24-gated-api, as upgrades and publish-and-upgrades, at every upgrade moment', () => {
    expect(config.scenario.weights['upgrade-on-activity']).toBeGreaterThan(0);
    expect(new Set(tied.map((e) => e.kind))).toEqual(new Set(['upgrade', 'chained-upgrade']));
    expect(new Set(tied.map((e) => activityTie(e)!.on))).toEqual(new Set(UPGRADE_ACTIVITIES));
    // Faults keep their own moments: the new ones are drawn for upgrades only, and a half-open link
    // right after a WatchAll is answered too (HALF_OPEN_ACTIVITIES); a slow link's moments are a Deploy
    // or a Next in flight and a login (SLOW_ACTIVITIES).
    const tiedFaults = plans.flat().filter((e) => !tiedUpgrade(e) && activityTie(e) !== undefined);
    const momentsOf = (kinds: PlanEvent['kind'][]) =>
      tiedFaults.filter((e) => kinds.includes(e.kind)).map((e) => activityTie(e)!.on);
    const faultMoments = momentsOf(['disconnect', 'partition', 'restart', 'stop-watcher']);
    expect(faultMoments.length).toBeGreaterThan(0);
    for (const on of faultMoments) expect(FAULT_ACTIVITIES).toContain(on);
    expect(new Set(momentsOf(['half-open']))).toEqual(new Set([...FAULT_ACTIVITIES, 'watch-answered']));
    expect(new Set(momentsOf(['slow']))).toEqual(new Set(SLOW_ACTIVITIES));
  });

  it('not when the scenario weighs them 0', () => {
    const scenario = { ...config.scenario, weights: { ...config.scenario.weights, 'upgrade-on-activity': 0 } };
    const drawn = fc.sample(planArbitrary(scenario), { seed: 1, numRuns: 300 }).flat();
    expect(drawn.filter(tiedUpgrade)).toEqual([]);
  });

  it('and, drawn, fire on the sim and start an upgrade at their moment', () => {
    const started = new Set<string>();
    plans.forEach((plan, i) => {
      if (!plan.some(tiedUpgrade)) return;
      const history = simulate(config, plan, i);
      plan.forEach((e, index) => {
        if (!tiedUpgrade(e)) return;
        const record = history.find((r) => r.type === 'event' && r.index === index);
        if (record?.type !== 'event' || !record.applied) return;
        const { records } = firedAt(history, index);
        if (records.some((r) => r.type === 'upgrade-pending')) started.add(activityTie(e)!.on);
      });
    });
    // 300 cases at seed 1 start upgrades at four of the five moments (a Next in flight is rarer).
    expect(started.size).toBeGreaterThanOrEqual(3);
  });
});

describe('an upgrade tied to a client moment, on the sim', () => {
  it("between client-0's WatchAll and its next call: the upgrade starts right after the WatchAll's answer", () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'chained-upgrade', version: '1.24.3', when: { client: 0, on: 'watch-answered' } },
      { kind: 'wait', durationMs: 40_000 },
    ];
    const history = simulate(config, plan, 1);
    const { at, records } = firedAt(history, 1);
    // It waited past the implicit upgrade after bootstrap (WatchAll refused until it ended).
    expect(history.slice(0, at).some((r) => r.type === 'upgrade-end')).toBe(true);
    const mine = history.slice(0, at).filter((r) => r.type === 'request' && r.client === 'client-0');
    expect(mine.at(-1)).toMatchObject({ method: 'WatchAll', accepted: true });
    expect(history[at - 1]).toMatchObject({ type: 'watcher-start', client: 'client-0' });
    expect(records.map((r) => r.type)).toEqual(['upgrade-requested', 'upgrade-pending', 'event']);
    expect(records[1]).toMatchObject({ from: '1.24.2', to: '1.24.3' });
    // The client's next call meets the gate.
    const next = history.slice(at).find((r) => r.type === 'request' && r.client === 'client-0');
    expect(next).toMatchObject({
      method: 'Next',
      accepted: false,
      error: expect.stringMatching(/upgrade in progress/),
    });
  });

  it("when client-0's Deploy is received: the upgrade starts before the Deploy is served, which the gate refuses", () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'chained-upgrade', version: '1.24.3', when: { client: 0, on: 'deploy-received' } },
      { kind: 'wait', durationMs: 25_000 },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 30_000 },
    ];
    const history = simulate(config, plan, 1);
    const { at, records } = firedAt(history, 1);
    expect(records.map((r) => r.type)).toEqual(['upgrade-requested', 'upgrade-pending', 'event']);
    expect(history[at + records.length]).toMatchObject({
      type: 'request',
      client: 'client-0',
      method: 'Deploy',
      accepted: false,
      error: expect.stringMatching(/upgrade in progress/),
    });
    // The reconnecting profile retries after the upgrade: the deployment completes.
    const final = history.find((r) => r.type === 'final-model');
    expect(final?.type === 'final-model' && Object.keys(final.model.applications)).toEqual(['mysql']);
  });

  it('waits past Deploys made during the implicit upgrade, for the first one that arrives with none running', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'chained-upgrade', version: '1.24.3', when: { client: 0, on: 'deploy-received' } },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 40_000 },
    ];
    const history = simulate(config, plan, 1);
    const { at } = firedAt(history, 1);
    const deploys = history.slice(0, at).filter((r) => r.type === 'request' && r.method === 'Deploy');
    expect(deploys.length, 'Deploys refused during the implicit upgrade').toBeGreaterThan(0);
    for (const d of deploys) expect(d).toMatchObject({ accepted: false, error: expect.stringMatching(/upgrade/) });
    expect(history.slice(0, at).some((r) => r.type === 'upgrade-end')).toBe(true);
  });

  it('prints its moment, shrinks into a timed upgrade first, and is a coverage row of its own', () => {
    const event: PlanEvent = { kind: 'upgrade', version: '1.24.3', when: { client: 1, on: 'deploy-received' } };
    const plan: Plan = [{ kind: 'bootstrap' }, event, { kind: 'wait', durationMs: 1_000 }];
    expect(formatPlan(plan)).toContain(
      "upgrade --agent-version 1.24.3 when client-1's Deploy is received, before the controller acts on it " +
        '(the first such moment with no upgrade pending or running)',
    );
    // Its own simplifications, after the removals (which drop it).
    const candidates = [...planShrinks(plan)]
      .filter((p) => p.length === plan.length && p[1] !== event)
      .map((p) => p[1]);
    expect(candidates[0]).toEqual({ kind: 'upgrade', version: '1.24.3' });
    expect(candidates).toContainEqual({ ...event, when: { client: 0, on: 'deploy-received' } });

    const chained: Plan = [
      { kind: 'bootstrap' },
      { kind: 'chained-upgrade', version: '1.24.3', when: { client: 0, on: 'watch-answered' } },
      { kind: 'wait', durationMs: 40_000 },
    ];
    const coverage = caseCoverage(simulate(config, chained, 1));
    expect(coverage.events['chained-upgrade@watch-answered']).toMatchObject({ total: 1, applied: 1 });
    // It landed after the implicit upgrade, with client-0 connected and watching.
    expect(coverage.events['chained-upgrade@watch-answered']?.phases).toEqual({ done: 1 });
    expect(coverage.events['chained-upgrade@watch-answered']?.clients).toMatchObject({ connected: 1, watching: 1 });
  });
});
