/**
 * The motivating case: a bespoke --client-cmd script whose reconnect bug shows only when
 * its connection is reset while its AllWatcher.Next is in flight
 * (examples/clients/reset-during-watch.mjs). With faults tied to client activity in the scenario's
 * weights, the process target finds it within a modest number of runs for a fixed seed; the same
 * failing plan holds for the robust script, so what was found is the script's bug. Counts of runs,
 * not times, are asserted (bench/activity-faults.ts measures runs to failure over many seeds).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exploreTarget } from '../../harness/explore-target.ts';
import { clientOutputsOf } from '../../harness/explore-result.ts';
import { PROJECT_ROOT } from '../../harness/paths.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { judgeRun } from '../../harness/runner.ts';
import { loadScenarioFile } from '../../harness/scenario-file.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';

const examples = join(PROJECT_ROOT, 'examples/clients');
const config = resolveRun(loadScenarioFile(join(examples, 'gated-on-activity.json')), {
  properties: ['deployments-complete'],
});
const script = (name: string) => `node ${join(examples, name)}`;
/** A seed whose tied disconnects come early (bench/activity-faults.ts: found at run 2 when measured; median 11 runs over seeds 1-10). */
const SEED = 4;
const BUDGET = 40;

describe('a client script with a reset-during-watch bug', () => {
  const targets: ProcessTarget[] = [];
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });

  it(`is found on the process target within ${BUDGET} runs, and its failing plan holds for robust.mjs`, async () => {
    const buggy = await createProcessTarget({ timeScale: 0.02, clientCommand: script('reset-during-watch.mjs') });
    targets.push(buggy);
    const result = await exploreTarget(buggy, config, {
      runs: BUDGET,
      seed: SEED,
      concurrency: 4,
      stopWhenAllViolated: true,
      shrinkOnSim: false, // a --client-cmd program runs only on a real target
      confirmRuns: 0,
      shrinkTimeLimitMs: 1,
    });
    const [found] = result.properties;
    expect(found?.firstFailureRun, 'found within the budget').toBeLessThanOrEqual(BUDGET);
    const failure = result.failures[0]!;
    expect(clientOutputsOf(failure)[0]?.stderr).toMatch(/stopped my watcher.*giving up/);

    const robust = await createProcessTarget({
      timeScale: 0.02,
      clientCommand: script('../../scenarios/clients/robust.mjs'),
    });
    targets.push(robust);
    const history = await robust.run(config, failure.plan, failure.simSeed);
    expect(judgeRun(history, config.properties).violations).toEqual([]);
  });
});
