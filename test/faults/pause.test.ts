/**
 * The `pause` plan event on the sim: the controller frozen (controller-freeze.ts), as docker pause
 * and SIGSTOP freeze it on the container and process targets. Nothing of the controller's runs
 * while it is paused; what came due or arrived runs at the resume, in order; runs stay
 * reproducible; a paused controller's plans shrink and print like any other.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import { historyHash, recordsOf, type HistoryRecord } from '../../harness/history.ts';
import { formatPlan, type Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { caseAtPath } from '../../harness/case-at-path.ts';
import fc from 'fast-check';
import { caseSource } from '../../harness/strategies/index.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { formatTimeline } from '../../reports/timeline.ts';
import { scenarioByName } from '../../scenarios/index.ts';

/** Records only the controller writes: none may fall strictly inside a pause. */
const CONTROLLER_RECORDS = new Set<HistoryRecord['type']>([
  'request',
  'conn-open',
  'conn-close',
  'login',
  'watcher-start',
  'watcher-stop',
  'hook-start',
  'hook-end',
  'download',
  'agent-down',
  'agent-up',
  'upgrade-pending',
  'upgrade-steps',
  'upgrade-end',
  'version',
]);

const paused = resolveRun(scenarioByName('juju-1.24-paused-controller')!);

function pauseWindow(history: HistoryRecord[]): { from: number; to: number } {
  const start = history.find((r) => r.type === 'fault-start' && r.fault === 'pause');
  const end = history.find((r) => r.type === 'fault-end' && r.fault === 'pause');
  expect(start && end).toBeTruthy();
  return { from: start!.t, to: end!.t };
}

describe('pause on the sim', () => {
  const plan: Plan = [
    { kind: 'bootstrap' },
    { kind: 'wait', durationMs: 5_000 },
    { kind: 'pause', durationMs: 20_000 },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
    { kind: 'restart' },
    { kind: 'wait', durationMs: 30_000 },
  ];

  it('runs nothing of the controller while it is paused, and everything that waited at the resume', () => {
    const history = simulate(paused, plan, 1);
    const { from, to } = pauseWindow(history);
    expect([from, to]).toEqual([5_000, 25_000]);
    expect(history.filter((r) => CONTROLLER_RECORDS.has(r.type) && r.t > from && r.t < to)).toEqual([]);
    // The operator's restart waited for the resume, as a CLI call to a frozen controller hangs.
    expect(recordsOf(history, 'event').find((r) => r.event.kind === 'restart')).toMatchObject({
      t: 5_000,
      applied: true,
      note: 'waits for the controller to resume',
    });
    expect(recordsOf(history, 'agent-down').find((r) => r.reason === 'restart')?.t).toBe(25_000);
    // The deploy sent during the pause reached the controller after it.
    const deploy = recordsOf(history, 'request').find((r) => r.method === 'Deploy');
    expect(deploy?.t).toBeGreaterThanOrEqual(25_000);
  });

  it('is reproducible: the same plan and seed give the same history', () => {
    expect(historyHash(simulate(paused, plan, 7))).toBe(historyHash(simulate(paused, plan, 7)));
  });

  it('a pause longer than the dial timeout makes new connections time out, as a frozen server does', () => {
    const cutOff: Plan = [
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 2_000 },
      { kind: 'disconnect', client: 0 },
      { kind: 'pause', durationMs: 40_000 },
      { kind: 'wait', durationMs: 60_000 },
    ];
    const history = simulate(paused, cutOff, 3);
    const { from, to } = pauseWindow(history);
    const failedDials = history.filter(
      (r) => r.type === 'client-conn' && r.state !== 'open' && r.t > from && r.t < to,
    ).length;
    const opened = recordsOf(history, 'conn-open').filter((r) => r.t > from && r.t < to);
    expect(opened).toEqual([]);
    expect(failedDials + recordsOf(history, 'conn-open').filter((r) => r.t >= to).length).toBeGreaterThan(0);
  });

  it('prints readably in plans and timelines', () => {
    expect(formatPlan(plan)).toContain('pause the controller for 20s (every process frozen), then resume it');
    const timeline = formatTimeline(simulate(paused, plan, 1));
    expect(timeline).toContain('pause the controller (every process frozen)');
    expect(timeline).toContain('resume the controller');
  });

  it('is generated from the scenario weights, and the gated fix holds under it', () => {
    const result = explore(paused, { runs: 300, seed: 1 });
    expect(result.failures).toEqual([]);
    const plans = fc
      .sample(caseSource(paused, { runs: 100, seed: 1 }).arbitrary, { seed: 1, numRuns: 100 })
      .map(([plan]) => plan);
    expect(plans.filter((p) => p.some((e) => e.kind === 'pause')).length).toBeGreaterThan(20);
  });

  it('shrinks to the shortest pause that breaks a deadline, and replays from seed and path', () => {
    // A 3 s request deadline: a request caught by a longer pause answers late.
    const base = resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!, { properties: ['requests-settle'] });
    const scenario = {
      ...base.scenario,
      deadlines: { ...base.scenario.deadlines, requestMs: 3_000 },
      weights: { pause: 2, deploy: 1, wait: 1 },
    };
    const config = { ...base, scenario };
    const failure = explore(config, { runs: 300, seed: 1 }).failures[0]!;
    expect(failure).toBeDefined();
    const pauses = failure.plan.filter((e) => e.kind === 'pause');
    expect(pauses).toHaveLength(1);
    expect(pauses[0]!.durationMs).toBeLessThan(4_000); // from up to a minute
    expect(failure.plan.length).toBeLessThanOrEqual(5);
    const [plan, simSeed] = caseAtPath(config, { seed: failure.seed, path: failure.path });
    expect(historyHash(simulate(config, plan, simSeed))).toBe(failure.historyHash);
  });
});
