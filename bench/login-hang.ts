/**
 * How soon a client whose login can hang is caught (test/clients/login-hangs-client.ts: no login
 * timeout, pings only once logged in; examples/clients/login-hangs.mjs is the same script for
 * --client-cmd): runs to the first violated property in juju-1.24-gated-api on the sim, per seed,
 * with the scenario's mix (half-opens tied to client activity half of the time) and with
 * `on-activity` 0 (every fault at a random time: a half-open can catch the login only by luck).
 * Run with `npx tsx bench/login-hang.ts [SEEDS] [MAX_RUNS]`.
 */
import { explore } from '../harness/explore.ts';
import { resolveRun, type RunConfig } from '../harness/run-config.ts';
import { scenarioByName } from '../scenarios/index.ts';
import { withLoginHangsClient } from '../test/clients/login-hangs-client.ts';

const [seeds = 10, maxRuns = 5000] = process.argv.slice(2).map(Number);

function withoutTies(config: RunConfig): RunConfig {
  const weights = { ...config.scenario.weights, 'on-activity': 0 };
  return { ...config, scenario: { ...config.scenario, weights } };
}

/** Runs until any property was first violated, and which; undefined past the budget. */
function runsToCatch(config: RunConfig, seed: number): { runs: number; properties: string[] } | undefined {
  const result = explore(config, { runs: maxRuns, seed, shrink: false });
  const firsts = result.properties.filter((p) => p.violated).map((p) => [p.property, p.firstFailureRun!] as const);
  if (firsts.length === 0) return undefined;
  const runs = Math.min(...firsts.map(([, n]) => n));
  return { runs, properties: firsts.filter(([, n]) => n === runs).map(([p]) => p) };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

const gated = withLoginHangsClient(resolveRun(scenarioByName('juju-1.24-gated-api')!));
const mixes = { 'ties drawn (on-activity 2)': gated, 'no ties (on-activity 0)': withoutTies(gated) };
for (const [mix, config] of Object.entries(mixes)) {
  const caught = Array.from({ length: seeds }, (_, i) => runsToCatch(config, i + 1));
  const runs = caught.map((c) => c?.runs ?? Infinity);
  const found = runs.filter(Number.isFinite).length;
  const shown = runs.map((n) => (Number.isFinite(n) ? String(n) : 'never')).join(' ');
  const by = [...new Set(caught.flatMap((c) => c?.properties ?? []))].join(', ');
  console.log(
    `${mix.padEnd(27)} caught ${found}/${seeds} within ${maxRuns}; median ${Number.isFinite(median(runs)) ? median(runs) : 'never'}; per seed: ${shown}; first by: ${by}`,
  );
}
