/** `--strategy NAME`, shared by run, replay and qualify. */
import { UsageError } from '../run-config.ts';
import { isStrategyName, STRATEGY_NAMES, type StrategyName } from '../strategies/names.ts';

export function strategyFlag(value: string | undefined): StrategyName | undefined {
  if (value === undefined) return undefined;
  if (!isStrategyName(value)) throw new UsageError(`unknown strategy "${value}" (known: ${STRATEGY_NAMES.join(', ')})`);
  return value;
}
