/** `--strategy NAME`, shared by run, replay and qualify. */
import { isStrategyName, STRATEGY_NAMES, type StrategyName } from '../strategies/names.ts';
import { UsageError } from '../errors.ts';

export function strategyFlag(value: string | undefined): StrategyName | undefined {
  if (value === undefined) return undefined;
  if (!isStrategyName(value)) throw new UsageError(`unknown strategy "${value}" (known: ${STRATEGY_NAMES.join(', ')})`);
  return value;
}
