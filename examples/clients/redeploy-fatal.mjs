#!/usr/bin/env node
// A deployment script with the heart of lp:1455260: it counts an application as deployed only once
// it has seen the ANSWER to its Deploy, and after a reconnect it sends Deploy again for every
// application whose answer it never got, without looking at what the new watcher's snapshot shows.
// An "already exists" answer (its own earlier Deploy, applied by the controller just before the
// connection dropped) is then taken for a conflict with someone else's application, and it gives up
// (exit 1). It pings, reconnects with backoff, re-creates its watcher and retries calls refused with
// "upgrade in progress", as robust.mjs does, so it survives every fault but one: a connection lost
// after the controller applied its Deploy and before the answer arrived. A disconnect tied to that
// moment (`on: 'deploy-applied'`) finds it at once; faults at random times only by luck.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/redeploy-fatal.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** robust.mjs's deployment, but after a new watcher's snapshot the view is rebuilt and what to deploy
 *  is not read from it: every application whose Deploy was never answered is deployed again. */
class RedeployFatal extends BundleDeployment {
  answeredOk = new Set(); // THE BUG: an application is deployed once its Deploy's answer was seen

  todo() {
    return Object.keys(this.bundle).filter((app) => !this.answeredOk.has(app));
  }

  async answered(call, app, result) {
    if (!result.error) this.answeredOk.add(app);
    else exit(1, `deploy ${app} failed: ${result.error.message ?? result.error}`); // THE BUG: its own deploy
  }
}

const deployment = new RedeployFatal();
const exit = exitingAtDeadline('redeploy-fatal', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit));
