/**
 * A client that resolves its charm again for every Deploy attempt, and the fixed plan that shows it:
 * the sim's planted profile (the reconnecting script with `newRevisionOnRetry`) and the plan that
 * examples/clients/retry-new-revision.mjs plays on the process target.
 */
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';

/** The reconnecting script with the one planted bug: each retry of a Deploy names a newer revision. */
const NEW_REVISION_ON_RETRY = scriptedProfile('retry-new-revision', 'planted bug: resolves its charm at each attempt', {
  ...RECONNECTING,
  newRevisionOnRetry: true,
});

/** `config` with its clients replaced by the planted one. */
export function withNewRevisionOnRetry(config: RunConfig): RunConfig {
  return { ...config, client: NEW_REVISION_ON_RETRY };
}

/** An operator's upgrade requested the moment client-0 logs in (a named moment): its first Deploy
 *  is refused with "upgrade in progress", and the deploy that lands is a retry. */
export const UPGRADE_AT_LOGIN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'upgrade', when: { client: 0, on: 'login' } },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];
