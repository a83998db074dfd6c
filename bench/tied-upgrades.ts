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
import { exploreTarget } from '../harness/explore-target.ts';
import { PROJECT_ROOT } from '../harness/paths.ts';
import { activityTie, type Plan } from '../harness/plan.ts';
import { resolveRun } from '../harness/run-config.ts';
import { scenarioByNameOrPath } from '../harness/scenario-file.ts';
import { createProcessTarget } from '../harness/targets/process/index.ts';
import type { PropertyName } from '../properties/property.ts';

const args = process.argv.slice(2);
const noTies = args.includes('--no-tied-upgrades');
const [script = 'examples/clients/gate-passed.mjs', property = 'deployments-complete', ...numbers] = args.filter(
  (a) => !a.startsWith('--'),
);
const [first = 1, last = 10, budget = 100, concurrency = 6] = numbers.map(Number);

const tiedUpgrade = (plan: Plan): boolean =>
  plan.some((e) => (e.kind === 'upgrade' || e.kind === 'chained-upgrade') && activityTie(e) !== undefined);

/** The run (1-based) that first violated `property`, or undefined within `budget`. */
async function runsToFailure(seed: number): Promise<{ run: number; tied: boolean; why: string } | undefined> {
  const scenario = scenarioByNameOrPath('juju-1.24-gated-api');
  const weights = noTies ? { ...scenario.weights, 'upgrade-on-activity': 0 } : scenario.weights;
  const config = resolveRun({ ...scenario, weights }, { properties: [property as PropertyName] });
  const target = await createProcessTarget({ clientCommand: `node ${join(PROJECT_ROOT, script)}` });
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
    const p = result.properties[0];
    const plan = result.failures[0]?.plan;
    const why = result.failures[0]?.violations[0]?.message ?? '';
    return p?.firstFailureRun
      ? { run: p.firstFailureRun, tied: plan !== undefined && tiedUpgrade(plan), why }
      : undefined;
  } finally {
    await target.close();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const found: (number | undefined)[] = [];
for (let seed = first; seed <= last; seed++) {
  const r = await runsToFailure(seed);
  found.push(r?.run);
  const how = r ? `${r.run}${r.tied ? ' (its plan has a tied upgrade)' : ''}` : `never (${budget} runs)`;
  console.log(`${script} ${noTies ? 'no tied upgrades' : 'tied upgrades'} seed ${seed}: ${how}`);
  if (r && process.env['WHY']) console.log(`  ${r.why.slice(0, 300)}`);
}
const runs = found.map((r) => r ?? budget + 1); // "never" counts as past the budget
const within = found.filter((r) => r !== undefined).length;
console.log(`${script}: found within ${budget} runs for ${within}/${found.length} seeds; median ${median(runs)} runs`);
