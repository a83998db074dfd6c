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
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  sleep,
  upgrading,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** robust.mjs's deployment, but an "already exists" answer sends a Deploy of the same charm as APP-2. */
class RenameOnConflict extends BundleDeployment {
  async deployAll(call) {
    for (;;) {
      const todo = Object.keys(this.bundle).filter((app) => !this.done.has(app));
      if (todo.length === 0) return;
      try {
        const { results } = await call('Application', 19, 'Deploy', { applications: this.deployArgs(todo) });
        for (const [i, r] of results.entries()) {
          if (r.error && /already exists/.test(r.error.message ?? r.error)) await this.deployRenamed(call, todo[i]);
          if (!r.error || /already exists/.test(r.error.message ?? r.error)) this.done.add(todo[i]);
        }
      } catch (e) {
        if (!upgrading(e)) throw e;
      }
      await sleep(150);
    }
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
