/**
 * Everything that shaped a run besides the scenario and the case: the target and how it was driven,
 * the strategy and bounds of exploration, the shard. A failure record carries it so that a replay
 * runs the same thing, and a replay line prints it back as flags. Secrets are not settings: the
 * external target's password is never kept, only the fact that one is needed.
 */
import type { Overrides } from './run-config.ts';
import type { Shard } from './explore-result.ts';
import type { StrategyName } from './strategies/names.ts';

export interface TargetSettings {
  name: string;
  /** Real targets: real time per model millisecond. */
  timeScale?: number;
  /** A black-box client program (`--client-cmd`) instead of the scenario's client profile. */
  clientCommand?: string;
  /** External target: the model URL and user (the password is asked for again on replay). */
  url?: string;
  username?: string;
  /** The controller speaks TLS (wss://), as Juju 3 does. */
  tls?: boolean;
}

export interface RunSettings {
  target: TargetSettings;
  /** `--controller`, `--client`, `--property` as given (the scenario's own otherwise). */
  overrides: Overrides;
  strategy: StrategyName;
  maxEvents?: number;
  runs: number;
  seed: number;
  checkDeterminism: boolean;
  timeLimitMs?: number;
  shard?: Shard;
}

/** Where the external target's password may come from instead of --password. */
export const PASSWORD_ENV = 'UPGRADE_CHAOS_PASSWORD';

/** The placeholder printed instead of a password: the variable a user's shell fills in, and which
 *  upgrade-chaos reads itself when --password is not given. */
export const PASSWORD_PLACEHOLDER = `"$${PASSWORD_ENV}"`;

/** How output names a --client-cmd program: the flag as it was given. */
export function clientCommandLabel(command: string): string {
  return `--client-cmd ${JSON.stringify(command)}`;
}

/** The client a run played, as every output names it (console, summary.json, junit.xml, report.html):
 *  a --client-cmd program in place of the scenario's client profile, whose name would mislead. */
export function playedClient(profile: string, target: TargetSettings): string {
  return target.clientCommand !== undefined ? clientCommandLabel(target.clientCommand) : profile;
}
