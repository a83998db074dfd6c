#!/usr/bin/env node
// A deployment script that takes the first unit it sees in `error` for a failed deployment (exit 1).
// Juju retries a failed hook by itself (automatically-retry-hooks, on by default): a hook the agent's
// restart interrupted shows the unit in error ("hook failed: \"install\""), then runs again after a
// backoff and the unit goes on to active. Scripts that give up at that first error fail deployments
// that would have succeeded: a classic bug of real deployment tooling. Otherwise it is robust.mjs:
// it pings, reconnects, re-creates its watcher, rebuilds its view, retries "upgrade in progress" and
// deploys idempotently, so a restart that interrupts no hook leaves it holding.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/error-is-final.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** The view of robust.mjs, plus THE BUG: any unit of the bundle in error ends the deployment. */
class ErrorIsFinal extends BundleDeployment {
  apply(deltas) {
    super.apply(deltas);
    for (const [app, units] of this.units) {
      if (!(app in this.bundle)) continue;
      for (const [unit, status] of units)
        if (status === 'error') exit(1, `unit ${unit} is in error: deployment failed`);
    }
  }
}

const deployment = new ErrorIsFinal();
const exit = exitingAtDeadline('error-is-final', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit));
