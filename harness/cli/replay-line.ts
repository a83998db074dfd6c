/** The command line that replays a failure: every flag that decides which case ran, and where. */
import type { ReplayCase } from '../explore-result.ts';
import type { RunConfig } from '../run-config.ts';
import { PASSWORD_PLACEHOLDER, type RunSettings } from '../run-settings.ts';
import { DEFAULT_STRATEGY } from '../strategies/names.ts';

function quote(value: string): string {
  return /^[\w./:=@-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The flags that bring back a run's target: real targets replay there (best effort). Never a password. */
export function targetFlags(target: RunSettings['target']): string[] {
  if (target.name === 'sim') return [];
  const flags = [`--target ${target.name}`];
  if (target.timeScale !== undefined) flags.push(`--time-scale ${target.timeScale}`);
  if (target.clientCommand !== undefined) flags.push(`--client-cmd ${quote(target.clientCommand)}`);
  if (target.url !== undefined) flags.push(`--url ${quote(target.url)}`);
  if (target.username !== undefined) flags.push(`--username ${quote(target.username)}`);
  if (target.name === 'external') flags.push(`--password ${PASSWORD_PLACEHOLDER}`);
  if (target.tls) flags.push('--tls');
  return flags;
}

export function replayLine(
  config: RunConfig,
  f: ReplayCase,
  settings: Pick<RunSettings, 'overrides' | 'strategy' | 'maxEvents' | 'target'>,
): string {
  const { overrides, maxEvents, strategy, target } = settings;
  const parts = ['npx upgrade-chaos replay', `--scenario ${quote(config.scenario.source ?? config.scenario.name)}`];
  if (overrides.controller) parts.push(`--controller ${overrides.controller}`);
  if (overrides.client) parts.push(`--client ${overrides.client}`);
  if (maxEvents !== undefined) parts.push(`--max-events ${maxEvents}`);
  if (strategy !== DEFAULT_STRATEGY) parts.push(`--strategy ${strategy}`);
  parts.push(...targetFlags(target));
  parts.push(`--property ${f.property}`, `--seed ${f.seed}`, `--path "${f.path}"`);
  return parts.join(' ');
}
