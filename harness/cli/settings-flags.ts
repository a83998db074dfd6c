/**
 * The flags run and qualify share (EXPLORING_FLAGS); those that choose which cases run and where
 * (the target's, --strategy, --max-events, --runs, --seed, --shard; run's --check-determinism and
 * --time-limit) read into RunSettings in one place, and the exploration options those settings give.
 */
import type { Judged } from '../../reports/expectation.ts';
import type { ExploreOptions } from '../explore-result.ts';
import type { Overrides } from '../run-config.ts';
import type { RunSettings } from '../run-settings.ts';
import { DEFAULT_STRATEGY } from '../strategies/names.ts';
import { intFlag, seedFlag, shardFlag } from './options.ts';
import { strategyFlag } from './strategy-flag.ts';
import { SHRINK_FLAGS, TARGET_FLAGS, targetSettings, type TargetFlagValues } from './target-flags.ts';
import { runsFlag } from './worker-flags.ts';

/** The flags of every command that explores (run, qualify); each adds its own. */
export const EXPLORING_FLAGS = {
  ...TARGET_FLAGS,
  ...SHRINK_FLAGS,
  runs: { type: 'string' },
  seed: { type: 'string' },
  strategy: { type: 'string' },
  'max-events': { type: 'string' },
  'stop-on-failure': { type: 'boolean' },
  workers: { type: 'string' },
  out: { type: 'string' },
  report: { type: 'string' },
  shard: { type: 'string' },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

export interface SettingsFlagValues extends TargetFlagValues {
  strategy?: string | undefined;
  'max-events'?: string | undefined;
  runs?: string | undefined;
  seed?: string | undefined;
  shard?: string | undefined;
  'check-determinism'?: boolean | undefined;
  'time-limit'?: string | undefined;
}

/** Every flag that shapes which cases run and where, as a failure record keeps them. */
export function runSettingsOf(values: SettingsFlagValues, overrides: Overrides): RunSettings {
  const maxEvents =
    values['max-events'] !== undefined ? intFlag(values['max-events'], 'max-events', 0, 1, 200) : undefined;
  const shard = shardFlag(values.shard);
  return {
    target: targetSettings(values),
    overrides,
    strategy: strategyFlag(values.strategy) ?? DEFAULT_STRATEGY,
    ...(maxEvents !== undefined ? { maxEvents } : {}),
    runs: runsFlag(values),
    seed: seedFlag(values.seed),
    checkDeterminism: values['check-determinism'] ?? false,
    ...(values['time-limit'] !== undefined
      ? { timeLimitMs: intFlag(values['time-limit'], 'time-limit', 0, 1) * 1000 }
      : {}),
    ...(shard ? { shard } : {}),
  };
}

/** --stop-on-failure, read once for run and qualify: stop at the first case that fails the run as
 *  it is `judged` (ExploreOptions.stopOnFailure), or never. */
export function stopOnFailureOf(
  values: { 'stop-on-failure'?: boolean | undefined },
  judged: Judged,
): Pick<ExploreOptions, 'stopOnFailure'> {
  return values['stop-on-failure'] ? { stopOnFailure: judged } : {};
}

export function exploreOptionsOf(settings: RunSettings): ExploreOptions {
  const { runs, seed, strategy, maxEvents, timeLimitMs, checkDeterminism, shard } = settings;
  return {
    runs,
    seed,
    strategy,
    checkDeterminism,
    ...(maxEvents !== undefined ? { maxEvents } : {}),
    ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    ...(shard ? { shard } : {}),
  };
}
