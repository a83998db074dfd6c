/**
 * The deep bugs (deep-bugs/) with and without faults tied to client activity: runs to the first
 * failure for the random and coverage strategies, from the same seeds, within a budget, with the
 * scenario's weights as they are (on-activity 2) and with on-activity 0. Prints one line per bug,
 * strategy and mix: seeds found, median and worst runs ("never" past the budget).
 * Run with `npx tsx bench/tied-deep.ts [SEEDS] [MAX_RUNS]`.
 */
import type { RunConfig } from '../harness/run-config.ts';
import type { StrategyName } from '../harness/strategies/names.ts';
import { DEEP_BUGS } from './deep-bugs/index.ts';
import { attemptStrategy } from './detection.ts';
import { figure, type Fig } from './figures.ts';

const [seeds = 10, maxRuns = 2000] = process.argv.slice(2).map(Number);
const STRATEGIES: readonly StrategyName[] = ['random', 'coverage'];

function withoutTies(config: RunConfig): RunConfig {
  const weights = { ...config.scenario.weights, 'on-activity': 0 };
  return { ...config, scenario: { ...config.scenario, weights } };
}

const runs = (n: number | null): string => (n !== null && Number.isFinite(n) ? String(n) : 'never');
const show = (f: Fig): string =>
  `found ${f.found}, median ${runs(f.medianRunsToFailure)}, worst ${runs(f.worstRunsToFailure)}`;

for (const bug of DEEP_BUGS) {
  for (const strategy of STRATEGIES) {
    const mixes = { 'no ties': withoutTies(bug.config), 'ties (on-activity 2)': bug.config };
    for (const [mix, config] of Object.entries(mixes)) {
      const attempts = Array.from({ length: seeds }, (_, i) =>
        attemptStrategy(config, strategy, i + 1, maxRuns, false),
      );
      console.log(`${bug.name.padEnd(34)} ${strategy.padEnd(9)} ${mix.padEnd(21)} ${show(figure(strategy, attempts))}`);
    }
  }
}
