/**
 * An operator's upgrade that lands between a script's WatchAll and its Deploy, on the process
 * target. examples/clients/gate-passed.mjs takes an accepted WatchAll for an open gate and reads
 * the Deploy refused right after it ("upgrade in progress") as "the controller has it already": it
 * exits 0 without the application, and deployments-complete catches it; robust.mjs (which watches
 * and deploys on its first snapshot, retrying the refusal) holds on the same plan. The upgrade is
 * tied to client-0's moment ('watch-answered'), so timing decides nothing. And drawn: exploring
 * juju-1.24-gated-api with the script finds it within a bounded number of runs at a fixed seed,
 * the failing case holding a tied upgrade.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { exploreTarget } from '../../harness/explore-target.ts';
import type { History } from '../../harness/history.ts';
import { activityTie, type Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { judgeRun } from '../../harness/runner.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';

const BUGGY = 'node examples/clients/gate-passed.mjs';

/** The implicit upgrade after bootstrap refuses the script's WatchAll until it ends; the operator's
 *  publish-and-upgrade then starts the moment a WatchAll of client-0's is answered. */
const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'chained-upgrade', version: '1.24.3', when: { client: 0, on: 'watch-answered' } },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => configOf('juju-1.24-gated-api');
const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

/** The tied upgrade fired right after client-0's accepted WatchAll, and its next Deploy was refused. */
function expectUpgradeAfterWatchAll(h: History): void {
  const fired = h.findIndex((r) => r.type === 'event' && r.index === 1);
  expect(h[fired]).toMatchObject({ applied: true });
  const mine = h.slice(0, fired).filter((r) => r.type === 'request' && r.client === 'client-0');
  expect(mine.at(-1)).toMatchObject({ method: 'WatchAll', accepted: true });
  expect(
    h
      .slice(0, fired)
      .filter((r) => r.type === 'upgrade-pending')
      .at(-1),
  ).toMatchObject({ to: '1.24.3' });
}

describe("an upgrade between a script's WatchAll and its Deploy (process target, 'watch-answered')", () => {
  it('catches a script that takes the Deploy refused right after its WatchAll for done', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectUpgradeAfterWatchAll(h);
    const fired = h.findIndex((r) => r.type === 'event' && r.index === 1);
    expect(h.slice(fired).find((r) => r.type === 'request' && r.method === 'Deploy')).toMatchObject({
      accepted: false,
      error: expect.stringMatching(/upgrade in progress/),
    });
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 0 });
    const violations = judgeRun(h, config().properties).violations;
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
    expect(violations.find((v) => v.property === 'deployments-complete')?.message).toMatch(/mysql.*absent/);
  });

  it('robust.mjs holds every property on the same plan', () => {
    const { history: h, clientOutputs } = runs.robust();
    expectUpgradeAfterWatchAll(h);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});

describe('gate-passed.mjs, drawn (process target, juju-1.24-gated-api)', () => {
  const targets: ProcessTarget[] = [];
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });

  it('is caught within 40 runs at seed 3, by a case with a tied upgrade', async () => {
    const target = await createProcessTarget({ clientCommand: BUGGY });
    targets.push(target);
    const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!, { properties: ['deployments-complete'] });
    const result = await exploreTarget(target, gated, {
      runs: 40,
      seed: 3,
      concurrency: 6,
      stopWhenAllViolated: true,
      shrinkOnSim: false,
      confirmRuns: 0,
      shrinkTimeLimitMs: 1,
    });
    const [property] = result.properties;
    expect(property, JSON.stringify(result.properties)).toMatchObject({ violated: true });
    const plan = result.failures[0]?.plan ?? [];
    const tied = plan.filter((e) => (e.kind === 'upgrade' || e.kind === 'chained-upgrade') && activityTie(e));
    expect(tied.length, JSON.stringify(plan)).toBeGreaterThan(0);
  }, 600_000); // up to 40 real runs on a loaded machine: bounded by runs, not by time
});
