/** The command line that replays a failure: every flag that decides which case ran, and where. */
import type { Failure } from '../explore-result.ts';
import type { Overrides, RunConfig } from '../run-config.ts';
import { DEFAULT_STRATEGY, type StrategyName } from '../strategies/names.ts';
import { PASSWORD_ENV, type TargetFlagValues } from './target-flags.ts';

export interface ReplayContext {
  overrides?: Overrides;
  maxEvents?: number | undefined;
  strategy?: StrategyName | undefined;
  /** Real targets: replay there too (best effort), with the same scale and client program. */
  target?: TargetFlagValues;
}

function quote(value: string): string {
  return /^[\w./:=@-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export function replayLine(config: RunConfig, f: Failure, context: ReplayContext = {}): string {
  const { overrides = {}, maxEvents, strategy = DEFAULT_STRATEGY, target = {} } = context;
  const parts = ['npx upgrade-chaos replay', `--scenario ${quote(config.scenario.source ?? config.scenario.name)}`];
  if (overrides.controller) parts.push(`--controller ${overrides.controller}`);
  if (overrides.client) parts.push(`--client ${overrides.client}`);
  if (maxEvents !== undefined) parts.push(`--max-events ${maxEvents}`);
  if (strategy !== DEFAULT_STRATEGY) parts.push(`--strategy ${strategy}`);
  if (target.target !== undefined && target.target !== 'sim') {
    parts.push(`--target ${target.target}`);
    for (const flag of ['time-scale', 'client-cmd', 'url', 'username'] as const) {
      const value = target[flag];
      if (value !== undefined) parts.push(`--${flag} ${quote(value)}`);
    }
    // Never the password itself: replay lines are printed, saved in failure files and pasted.
    if (target.password !== undefined) parts.push(`--password "$${PASSWORD_ENV}"`);
    if (target.tls) parts.push('--tls');
  }
  parts.push(`--property ${f.property}`, `--seed ${f.seed}`, `--path "${f.path}"`);
  return parts.join(' ');
}
