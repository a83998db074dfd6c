/**
 * Planted bug, in a client: the reconnecting script stops retrying "upgrade in progress" once it
 * has connected seven times (a retry budget kept per script instead of per connection). From then
 * on a refused deploy fails and a refused watcher call kills the watcher.
 *
 * What it takes: six connection losses (disconnects, partitions, crashes or an upgrade's
 * restart) and then a call refused because an upgrade is pending or running. Found by
 * deployments-complete (and watchers-resume).
 */
import type { ClientEnv, ClientProfile } from '../../harness/clients/client.ts';
import { RECONNECTING } from '../../harness/clients/profiles.ts';
import { ScriptedClient, type ClientPolicy } from '../../harness/clients/scripted-client.ts';

/** The connection from which the script no longer retries. */
const BUDGET_CONNECTIONS = 7;

function create(env: ClientEnv): ScriptedClient {
  let connections = 0;
  const policy: ClientPolicy = {
    ...RECONNECTING,
    get retryUpgradeInProgress() {
      return connections < BUDGET_CONNECTIONS;
    },
  };
  const dial: ClientEnv['dial'] = (done) =>
    env.dial((result) => {
      if (result.ok) connections++;
      done(result);
    });
  return new ScriptedClient({ ...env, dial }, policy);
}

export const retryForgottenAfterReconnects: ClientProfile = {
  name: 'reconnecting-retry-budget',
  summary: `the reconnecting script, but it stops retrying "upgrade in progress" from its ${BUDGET_CONNECTIONS}th connection`,
  create,
};
