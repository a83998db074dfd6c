#!/usr/bin/env node
// A deployment script that takes "already exists" for a name clash with someone else's application
// and deploys its own under a free name (APP-2) instead. It is robust.mjs (it pings, reconnects,
// logs in again, re-creates its watcher, retries "upgrade in progress") and, like robust.mjs, after a
// reconnect it sends Deploy again for every application whose Deploy it never saw answered. When
// the controller applied a Deploy and the connection dropped before its answer came back, the retry
// meets its own application: "already exists", and the script deploys a second copy under another
// name. Every application it was asked for comes up, so only apps-as-asked (the final model holds
// only applications a client was asked to deploy, under the names asked) catches it. This is the
// python-libjuju user's `rename-on-already-exists` mode, on the kit.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/rename-on-conflict.mjs"`.
import {
  alreadyExists,
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** robust.mjs's deployment, but an "already exists" answer sends a Deploy of the same charm as APP-2. */
class RenameOnConflict extends BundleDeployment {
  async answered(call, app, result) {
    if (result.error && alreadyExists(result.error)) await this.deployRenamed(call, app);
    await super.answered(call, app, result);
  }

  /** THE BUG: the name is taken, so the script's application goes up under a free one. */
  async deployRenamed(call, app) {
    const [args] = this.deployArgs([app]);
    await call('Application', 19, 'Deploy', { applications: [{ ...args, application: `${app}-2` }] });
  }
}

const deployment = new RenameOnConflict();
const exit = exitingAtDeadline('rename-on-conflict', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit));
