#!/usr/bin/env node
// A deployment script that reasons about the 1.24 upgrade gate and gets it wrong. It watches
// first, then deploys at once (`juju status --watch`, then `juju deploy`). Its WatchAll is retried
// while the controller answers "upgrade in progress"; once a WatchAll is accepted the script takes
// the gate for open on that connection, so a Deploy refused with "upgrade in progress" right after
// it is read as a stale refusal for an application the controller already has (THE BUG): it counts
// the application as deployed, never sends it again, and exits 0 once the rest is active. The
// application is absent from the model (deployments-complete). It is otherwise robust.mjs: it
// pings, reconnects with backoff, logs in again, re-creates its watcher and deploys idempotently,
// so it survives an upgrade that lands anywhere but in the few milliseconds between its WatchAll's
// answer and its Deploy: an upgrade tied to that moment (`on: "watch-answered"` or
// `"deploy-received"`) finds it, one at a random time only by luck.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/gate-passed.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  followWatcher,
  nextDeltas,
  sessionsForever,
  upgrading,
  watchAll,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** robust.mjs's deployment, plus the applications it assumed deployed (and never looks at again). */
class GatePassed extends BundleDeployment {
  assumed = new Set();

  snapshot(deltas) {
    super.snapshot(deltas);
    for (const app of this.assumed) this.done.add(app); // THE BUG: not rechecked against the snapshot
  }

  deployed() {
    return Object.entries(this.bundle).every(([app, spec]) => {
      if (this.assumed.has(app)) return true; // THE BUG: "the controller has it already"
      const us = [...(this.units.get(app)?.values() ?? [])];
      return us.length >= spec.num_units && us.every((s) => s === 'active');
    });
  }

  /** One Deploy of what is not done, right after an accepted WatchAll. */
  async deployPastTheGate(call) {
    const todo = Object.keys(this.bundle).filter((app) => !this.done.has(app));
    if (todo.length === 0) return;
    try {
      const { results } = await call('Application', 19, 'Deploy', { applications: this.deployArgs(todo) });
      results.forEach((r, i) => {
        if (!r.error || /already exists/.test(r.error.message ?? '')) this.done.add(todo[i]);
      });
    } catch (e) {
      if (!upgrading(e)) throw e;
      // THE BUG: "WatchAll got through, so the controller is not upgrading: it has these already".
      for (const app of todo) {
        this.assumed.add(app);
        this.done.add(app);
      }
    }
  }
}

const deployment = new GatePassed();
const exit = exitingAtDeadline('gate-passed', deployment);

await sessionsForever(async (conn) => {
  const watcher = await watchAll(conn.call);
  await deployment.deployPastTheGate(conn.call);
  await followWatcher(conn, deployment, exit, () => nextDeltas(conn, watcher));
});
