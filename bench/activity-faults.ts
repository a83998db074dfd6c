/**
 * Runs to failure of a --client-cmd script whose bug shows only when its connection is reset while
 * its AllWatcher.Next is in flight (examples/clients/reset-during-watch.mjs), on the process
 * target, over several seeds: with faults at random times only (examples/clients/gated.json) and
 * with faults also tied to the client's API activity (examples/clients/gated-on-activity.json).
 * Prints one line per seed and the medians; a seed that finds nothing within the budget prints
 * "never". Run with `npx tsx bench/activity-faults.ts [SEEDS] [RUNS] [CONCURRENCY]`.
 */
import { join } from 'node:path';
import { exploreTarget } from '../harness/explore-target.ts';
import { PROJECT_ROOT } from '../harness/paths.ts';
import { resolveRun } from '../harness/run-config.ts';
import { loadScenarioFile } from '../harness/scenario-file.ts';
import { createProcessTarget } from '../harness/targets/process/index.ts';

const [seeds = 10, budget = 100, concurrency = 6] = process.argv.slice(2).map(Number);
const SCRIPT = `node ${join(PROJECT_ROOT, 'examples/clients/reset-during-watch.mjs')}`;
const SCENARIOS = ['gated.json', 'gated-on-activity.json'];

/** The run (1-based) that first violated deployments-complete, or undefined within `budget`. */
async function runsToFailure(file: string, seed: number): Promise<number | undefined> {
  const scenario = loadScenarioFile(join(PROJECT_ROOT, 'examples/clients', file));
  const config = resolveRun(scenario, { properties: ['deployments-complete'] });
  const target = await createProcessTarget({ clientCommand: SCRIPT });
  try {
    const result = await exploreTarget(target, config, {
      runs: budget,
      seed,
      concurrency,
      stopWhenAllViolated: true,
      shrinkOnSim: false,
      confirmRuns: 0,
      shrinkTimeLimitMs: 1,
    });
    return result.properties[0]?.firstFailureRun;
  } finally {
    await target.close();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

for (const file of SCENARIOS) {
  const found: (number | undefined)[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const run = await runsToFailure(file, seed);
    found.push(run);
    console.log(`${file} seed ${seed}: ${run ?? `never (${budget} runs)`}`);
  }
  // "never" counts as past the budget for the median.
  const runs = found.map((r) => r ?? budget + 1);
  const within = found.filter((r) => r !== undefined).length;
  console.log(`${file}: found within ${budget} runs for ${within}/${seeds} seeds; median ${median(runs)} runs`);
}
