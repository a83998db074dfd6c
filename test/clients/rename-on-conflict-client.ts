/**
 * A client that answers "already exists" by deploying again as NAME-2, and the fixed plan that
 * shows it: the sim's planted profile (the reconnecting script with `renameOnConflict`) and the
 * plan that examples/clients/rename-on-conflict.mjs plays on the process target.
 */
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';

/** The reconnecting script with the one planted bug: "already exists" makes it pick a new name. */
const RENAME_ON_CONFLICT = scriptedProfile(
  'rename-on-conflict',
  'planted bug: redeploys as NAME-2 on "already exists"',
  {
    ...RECONNECTING,
    renameOnConflict: true,
  },
);

/** `config` with its clients replaced by the planted one. */
export function withRenameOnConflictClient(config: RunConfig): RunConfig {
  return { ...config, client: RENAME_ON_CONFLICT };
}

/** client-0's connection drops once the controller has applied its Deploy of mysql and before it
 *  answers (lp:1455260's moment): the Deploy sent again meets "already exists". */
export const DROP_AT_DEPLOY_APPLIED: Plan = [
  { kind: 'bootstrap' },
  { kind: 'disconnect', client: 0, on: 'deploy-applied' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];
