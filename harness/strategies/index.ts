/** The exploration strategies, by name: what `--strategy` chooses. */
import { coverageStrategy } from './coverage.ts';
import { DEFAULT_STRATEGY, type StrategyName } from './names.ts';
import { randomStrategy } from './random.ts';
import type { CaseSource, CaseSourceOptions, Strategy } from './strategy.ts';
import type { RunConfig } from '../run-config.ts';

export * from './names.ts';
export type { Case, CaseSource, CaseSourceOptions, Strategy } from './strategy.ts';

export const STRATEGIES: readonly Strategy[] = [randomStrategy, coverageStrategy];

export function strategyByName(name: StrategyName): Strategy {
  return STRATEGIES.find((s) => s.name === name)!;
}

/** The cases `strategy` explores for `config`. */
export function caseSource(config: RunConfig, options: CaseSourceOptions & { strategy?: StrategyName }): CaseSource {
  return strategyByName(options.strategy ?? DEFAULT_STRATEGY).cases(config, options);
}
