/**
 * Runs to the first failure of a --client-cmd program on the process target, seed by seed: how many
 * runs a scenario's draws need to show one planted bug. Prints one line per seed (the run, or
 * "never" within the budget), with WHY=1 the first violation and the plan events that acted on the
 * program's removals (the operator's, controller/operator.ts), then the median ("never" counted as
 * budget + 1). Run with
 *   npx tsx bench/client-runs-to-failure.ts "COMMAND" PROPERTY [FIRST] [LAST] [RUNS] [CONCURRENCY] [SCENARIO]
 * e.g. `npx tsx bench/client-runs-to-failure.ts "node examples/clients/merge-snapshot.mjs" watchers-resume 1 10 100 6`.
 * `--no-tied-removes` draws no operator's removal tied to the program's login after a lost watcher
 * (weight `remove-on-activity` 0: the plans drawn before it existed); `--no-slow` draws no slow link
 * (weight `slow` 0: what a scenario's draws find without them, e.g. deploy-timeout-retry.mjs).
 * Run it from the project root (COMMAND's relative paths are the program's own); SCENARIO defaults to
 * juju-1.24-gated-api.
 */
import { scenarioByNameOrPath } from '../harness/scenario-file.ts';
import type { PropertyName } from '../properties/property.ts';
import { firstFailure, summary } from './runs-to-failure.ts';

const args = process.argv.slice(2);
const before = args.includes('--no-tied-removes');
const noSlow = args.includes('--no-slow');
const [command = 'node examples/clients/merge-snapshot.mjs', property = 'watchers-resume', ...rest] = args.filter(
  (a) => !a.startsWith('--'),
);
const [first = 1, last = 10, budget = 100, concurrency = 6] = rest.slice(0, 4).map(Number);
const scenarioName = rest[4] ?? 'juju-1.24-gated-api';

/** The first failing run, with its first violation and what the plan's removals did. */
async function runsToFailure(seed: number): Promise<{ run: number; why: string[] } | undefined> {
  const scenario = scenarioByNameOrPath(scenarioName);
  const weights = {
    ...scenario.weights,
    ...(before ? { 'remove-on-activity': 0 } : {}),
    ...(noSlow ? { slow: 0 } : {}),
  };
  const p = { command, scenario: { ...scenario, weights }, property: property as PropertyName };
  const found = await firstFailure({ ...p, seed, budget, concurrency });
  if (!found) return undefined;
  const notes = found.failure.history.flatMap((r) =>
    r.type === 'event' && r.event.kind === 'remove'
      ? [`remove: ${r.note ?? (r.applied ? 'applied' : 'not applied')}`]
      : [],
  );
  return { run: found.run, why: [found.failure.violations[0]?.message ?? '', ...notes] };
}

const found: (number | undefined)[] = [];
for (let seed = first; seed <= last; seed++) {
  const r = await runsToFailure(seed);
  found.push(r?.run);
  console.log(
    `${command} (${scenarioName}${before ? ', no tied removes' : ''}${noSlow ? ', no slow links' : ''}) seed ${seed}: ${r ? r.run : `never (${budget} runs)`}`,
  );
  if (r && process.env['WHY']) for (const line of r.why) console.log(`  ${line.slice(0, 300)}`);
}
const { line, runs } = summary(found, budget);
console.log(`${command}: ${line}; ${runs.join(' ')}`);
