/**
 * A client whose login can hang, and the fixed plans that show it: the sim's planted profile (the
 * reconnecting script without its login timeout, pinging only once logged in) and the plan that
 * examples/clients/login-hangs.mjs plays on the process target. bench/login-hang.ts measures how
 * many runs it takes to catch it.
 */
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';

const { loginTimeoutMs: _none, ...untimedLogin } = RECONNECTING;

/** The reconnecting script with the one planted bug: no login timeout, and pings only once logged in. */
export const LOGIN_HANGS = scriptedProfile('login-hangs', 'planted bug: a login on a dead link waits for ever', {
  ...untimedLogin,
  pingOnceLoggedIn: true,
});

/** `config` with its clients replaced by the planted one. */
export function withLoginHangsClient(config: RunConfig): RunConfig {
  return { ...config, client: LOGIN_HANGS };
}

/** client-0's link goes half-open while it logs in (its first login, right after bootstrap), and it is
 *  asked to deploy. */
export const HALF_OPEN_AT_LOGIN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'half-open', client: 0, on: 'login' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];
