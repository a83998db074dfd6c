/**
 * The `crash` plan event on the sim: the whole controller killed (or stopped) and started again,
 * coming back with what it keeps on disk (controller/durable-state.ts) as Juju comes back with
 * MongoDB, while its connections, watchers and requests in flight die with it. The same recovery
 * runs in the controller server started again after a kill (test/wire/durable-sessions.test.ts); the
 * plan and what every target must show are shared with the real targets' tests (crashed-run.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { explore } from '../../harness/explore.ts';
import { historyHash, recordsOf, type HistoryRecord } from '../../harness/history.ts';
import { formatPlan, type Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { caseSource } from '../../harness/strategies/index.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { checkProperties } from '../../properties/index.ts';
import { CRASH_PLAN, crashedConfig, expectCrashedHistory } from '../targets/crashed-run.ts';
import { formatTimeline } from '../../reports/timeline.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const crashed = crashedConfig();

function window(history: HistoryRecord[]): { from: number; to: number } {
  const start = history.find((r) => r.type === 'fault-start' && r.fault === 'crash');
  const end = history.find((r) => r.type === 'fault-end' && r.fault === 'crash');
  expect(start && end).toBeTruthy();
  return { from: start!.t, to: end!.t };
}

describe('crash on the sim', () => {
  // The plan the real targets play too (crashed-run.ts): a deploy acknowledged and its hooks
  // running, then the controller killed for 5 s; later a clean stop.
  const plan = CRASH_PLAN;

  it('writes nothing while dead; on start ends what died with it, keeps the model, and the gated fix holds', () => {
    const history = simulate(crashed, plan, 1);
    expectCrashedHistory(history, crashed);
    const { from, to } = window(history);
    expect(to - from).toBe(5_000);
    const controllerSide = new Set(['request', 'conn-open', 'login', 'watcher-start', 'hook-start', 'agent-up']);
    expect(history.filter((r) => controllerSide.has(r.type) && r.t > from && r.t < to)).toEqual([]);
    // The controller started again writes the agent down, then closes what the dead one had open.
    const recovery = history.filter((r) => r.t === to && r.type !== 'event');
    expect(recovery[0]).toMatchObject({ type: 'fault-end', fault: 'crash' });
    expect(recovery[1]).toMatchObject({ type: 'agent-down', reason: 'crash' });
    expect(recovery.some((r) => r.type === 'conn-close')).toBe(true);
    expect(recovery.some((r) => r.type === 'hook-end' && r.result === 'interrupted')).toBe(true);
    // On the sim nothing is slow: the first start's agent is up by the stop, which takes it down too.
    expect(recordsOf(history, 'agent-down').filter((r) => r.reason === 'crash')).toHaveLength(2);
    // Connection and watcher ids go on from where the dead controller stopped (they are on disk).
    const conns = recordsOf(history, 'conn-open').map((r) => r.conn);
    expect(new Set(conns).size).toBe(conns.length);
    // The operator's publish waited for the start, as a CLI call to a dead controller is retried.
    expect(recordsOf(history, 'event').find((r) => r.event.kind === 'publish')).toMatchObject({
      applied: true,
      note: 'waits for the controller to be started again',
    });
    const final = recordsOf(history, 'final-model')[0]!;
    expect(Object.values(final.model.applications['mysql']!.units)).toEqual(['active', 'active']);
  });

  it('crashes during the upgrade steps come back to run them again, at the new version', () => {
    const during: Plan = [{ kind: 'bootstrap' }, { kind: 'wait', durationMs: 9_000 }, { kind: 'crash', downMs: 0 }];
    const history = simulate(crashed, [...during, { kind: 'wait', durationMs: 60_000 }], 2);
    const steps = recordsOf(history, 'upgrade-steps');
    expect(steps.length).toBeGreaterThanOrEqual(1);
    expect(recordsOf(history, 'upgrade-end')).toHaveLength(1);
    expect(checkProperties(history, crashed.properties)).toEqual([]);
  });

  it('is refused before bootstrap and while down, and is reproducible', () => {
    const early: Plan = [
      { kind: 'crash', downMs: 1_000 },
      { kind: 'bootstrap' },
      { kind: 'crash', downMs: 5_000 },
      { kind: 'crash', downMs: 5_000, graceful: true },
      { kind: 'wait', durationMs: 20_000 },
    ];
    const history = simulate(crashed, early, 3);
    const applied = recordsOf(history, 'event')
      .filter((r) => r.event.kind === 'crash')
      .map((r) => [r.applied, r.note]);
    expect(applied).toEqual([
      [false, 'no controller to kill before bootstrap'],
      [true, undefined],
      [false, 'the controller is down already'],
    ]);
    expect(historyHash(simulate(crashed, plan, 7))).toBe(historyHash(simulate(crashed, plan, 7)));
  });

  it('prints readably in plans and timelines', () => {
    expect(formatPlan(plan)).toContain(
      'kill the controller (SIGKILL), start it again after 5s: it recovers its model from disk',
    );
    expect(formatPlan([{ kind: 'crash', downMs: 0, graceful: true }])).toContain(
      'stop the controller (SIGTERM: a clean shutdown), start it again at once',
    );
    const timeline = formatTimeline(simulate(crashed, plan, 1), Infinity);
    expect(timeline).toContain('kill the controller (SIGKILL)');
    expect(timeline).toContain('start the controller again: it recovers from its state on disk');
  });

  it('is generated only where a scenario weighs it, and the gated fix holds under it', () => {
    const result = explore(crashed, { runs: 300, seed: 1 });
    expect(result.failures).toEqual([]);
    const plans = (name: string) => {
      const config = resolveRun(scenarioByName(name)!);
      return fc.sample(caseSource(config, { runs: 100, seed: 1 }).arbitrary, { seed: 1, numRuns: 100 });
    };
    const withCrash = (name: string) => plans(name).filter(([p]) => p.some((e) => e.kind === 'crash')).length;
    expect(withCrash('juju-1.24-crashed-controller')).toBeGreaterThan(20);
    expect(withCrash('juju-1.24-gated-api')).toBe(0);
  });

  it('a client that never watches again fails on it; the failure shrinks to a bare kill and replays by seed and path', () => {
    const base = resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!, {
      client: 'deployer-naive',
      properties: ['watchers-resume'],
    });
    const config = { ...base, scenario: { ...base.scenario, weights: { crash: 2, deploy: 1, wait: 2 } } };
    const failure = explore(config, { runs: 300, seed: 1 }).failures[0]!;
    expect(failure).toBeDefined();
    const crashes = failure.plan.filter((e) => e.kind === 'crash');
    expect(crashes).toEqual([{ kind: 'crash', downMs: 0 }]);
    expect(failure.plan.length).toBeLessThanOrEqual(4);
    const [replayed, simSeed] = caseAtPath(config, { seed: failure.seed, path: failure.path });
    expect(historyHash(simulate(config, replayed, simSeed))).toBe(failure.historyHash);
  });
});
