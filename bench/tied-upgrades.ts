/**
 * Runs to the first failure of a buggy --client-cmd script on the process target, seed by seed, in
 * juju-1.24-gated-api: what upgrades tied to a client's API moment (scenario weight
 * `upgrade-on-activity`) add on real clients. The script's bug shows only when an upgrade starts at
 * one moment of its work (examples/clients/gate-passed.mjs, status-checked.mjs,
 * retry-new-revision.mjs). Prints one line per seed (the run, and whether the failing case's plan
 * held a tied upgrade) and the median; a seed that finds nothing within the budget prints "never".
 * `--no-tied-upgrades` draws with `upgrade-on-activity` 0 (this code, without the new draws).
 * Run with `npx tsx bench/tied-upgrades.ts SCRIPT PROPERTY [FIRST_SEED] [LAST_SEED] [RUNS] [CONCURRENCY]
 * [--no-tied-upgrades]`, e.g. `npx tsx bench/tied-upgrades.ts examples/clients/gate-passed.mjs
 * deployments-complete 1 10 100 6`.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/paths.ts';
import { activityTie, type Plan } from '../harness/plan.ts';
import { scenarioByNameOrPath } from '../harness/scenario-file.ts';
import type { PropertyName } from '../properties/property.ts';
import { firstFailure, summary } from './runs-to-failure.ts';

const args = process.argv.slice(2);
const noTies = args.includes('--no-tied-upgrades');
const [script = 'examples/clients/gate-passed.mjs', property = 'deployments-complete', ...numbers] = args.filter(
  (a) => !a.startsWith('--'),
);
const [first = 1, last = 10, budget = 100, concurrency = 6] = numbers.map(Number);

const tiedUpgrade = (plan: Plan): boolean =>
  plan.some((e) => (e.kind === 'upgrade' || e.kind === 'chained-upgrade') && activityTie(e) !== undefined);

/** The first failing run, whether its plan held a tied upgrade, and its first violation. */
async function runsToFailure(seed: number): Promise<{ run: number; tied: boolean; why: string } | undefined> {
  const scenario = scenarioByNameOrPath('juju-1.24-gated-api');
  const weights = noTies ? { ...scenario.weights, 'upgrade-on-activity': 0 } : scenario.weights;
  const command = `node ${join(PROJECT_ROOT, script)}`;
  const p = { command, scenario: { ...scenario, weights }, property: property as PropertyName };
  const found = await firstFailure({ ...p, seed, budget, concurrency });
  if (!found) return undefined;
  const why = found.failure.violations[0]?.message ?? '';
  return { run: found.run, tied: tiedUpgrade(found.failure.plan), why };
}

const found: (number | undefined)[] = [];
for (let seed = first; seed <= last; seed++) {
  const r = await runsToFailure(seed);
  found.push(r?.run);
  const how = r ? `${r.run}${r.tied ? ' (its plan has a tied upgrade)' : ''}` : `never (${budget} runs)`;
  console.log(`${script} ${noTies ? 'no tied upgrades' : 'tied upgrades'} seed ${seed}: ${how}`);
  if (r && process.env['WHY']) console.log(`  ${r.why.slice(0, 300)}`);
}
console.log(`${script}: ${summary(found, budget).line}`);
