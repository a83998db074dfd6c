/**
 * A client that redials the moment its connection is lost, and the fixed plan that shows it: the
 * sim's planted profile (the reconnecting script with `noBackoff`) and the plan that
 * examples/clients/no-backoff.mjs plays on the process target.
 */
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';

/** The reconnecting script with the one planted bug: it dials again at once. */
const NO_BACKOFF = scriptedProfile('no-backoff', 'planted bug: redials at once', { ...RECONNECTING, noBackoff: true });

/** `config` with its clients replaced by the planted one. */
export function withNoBackoffClient(config: RunConfig): RunConfig {
  return { ...config, client: NO_BACKOFF };
}

/** The agent restarts while client-0 waits on its AllWatcher.Next for its units (a named moment). */
export const RESTART_AT_NEXT: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'restart', when: { client: 0, on: 'watch-next' } },
  { kind: 'wait', durationMs: 5_000 },
];
