/**
 * The deep-bug section of the bench: for each planted bug (deep-bugs/), runs to the first failure
 * for every strategy and the fair fast-check baseline, from the same seeds, within a budget. Only
 * the runs count here (nothing is shrunk), so a seed's attempt ends at its first failure.
 */
import { STRATEGY_NAMES, type StrategyName } from '../harness/strategies/names.ts';
import { DEEP_BUGS, type DeepBug } from './deep-bugs/index.ts';
import { attemptBaseline, attemptStrategy } from './detection.ts';
import { better, figure, type Fig } from './figures.ts';

export interface DeepBugResult {
  name: string;
  needs: string;
  property: string;
  strategies: Record<StrategyName, Fig>;
  /** The strategy with the fewest runs (more seeds found first, then median, then worst). */
  best: Fig;
  baseline: Fig;
}

export interface DeepBenchOptions {
  seeds: number;
  /** Budget per attempt: a bug not found within it counts as never found. */
  maxRuns: number;
  bugs?: readonly DeepBug[];
  strategies?: readonly StrategyName[];
  progress?: (bug: string, who: string) => void;
}

export function runDeepBugs(options: DeepBenchOptions): DeepBugResult[] {
  const seeds = Array.from({ length: options.seeds }, (_, i) => i + 1);
  return (options.bugs ?? DEEP_BUGS).map((bug) => {
    const strategies = {} as Record<StrategyName, Fig>;
    for (const strategy of options.strategies ?? STRATEGY_NAMES) {
      strategies[strategy] = figure(
        strategy,
        seeds.map((seed) => attemptStrategy(bug.config, strategy, seed, options.maxRuns, false)),
      );
      options.progress?.(bug.name, strategy);
    }
    const baseline = figure(
      'baseline',
      seeds.map((seed) => attemptBaseline(bug.config, seed, options.maxRuns, false)),
    );
    options.progress?.(bug.name, 'baseline');
    return {
      name: bug.name,
      needs: bug.needs,
      property: bug.property,
      strategies,
      best: Object.values(strategies).reduce(better),
      baseline,
    };
  });
}
