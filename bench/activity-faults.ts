/**
 * Runs to failure of a --client-cmd script whose bug shows only when its connection is reset while
 * its AllWatcher.Next is in flight (examples/clients/reset-during-watch.mjs), on the process
 * target, over several seeds: with faults at random times only (examples/clients/gated.json) and
 * with faults also tied to the client's API activity (examples/clients/gated-on-activity.json).
 * Prints one line per seed and the medians; a seed that finds nothing within the budget prints
 * "never". Run with `npx tsx bench/activity-faults.ts [SEEDS] [RUNS] [CONCURRENCY]`.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/paths.ts';
import { loadScenarioFile } from '../harness/scenario-file.ts';
import { firstFailure, summary } from './runs-to-failure.ts';

const [seeds = 10, budget = 100, concurrency = 6] = process.argv.slice(2).map(Number);
const command = `node ${join(PROJECT_ROOT, 'examples/clients/reset-during-watch.mjs')}`;
const SCENARIOS = ['gated.json', 'gated-on-activity.json'];

for (const file of SCENARIOS) {
  const scenario = loadScenarioFile(join(PROJECT_ROOT, 'examples/clients', file));
  const found: (number | undefined)[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const r = await firstFailure({ command, scenario, property: 'deployments-complete', seed, budget, concurrency });
    found.push(r?.run);
    console.log(`${file} seed ${seed}: ${r?.run ?? `never (${budget} runs)`}`);
  }
  console.log(`${file}: ${summary(found, budget).line}`);
}
