/**
 * The names of the exploration strategies, on their own so that option types (PlanOptions,
 * ExploreOptions, CLI flags) can name a strategy without importing the strategies themselves.
 */
export const STRATEGY_NAMES = ['random', 'coverage'] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const DEFAULT_STRATEGY: StrategyName = 'random';

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}
