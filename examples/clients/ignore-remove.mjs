#!/usr/bin/env node
// A deployment script whose view ignores `remove` deltas and merges each new watcher's snapshot into
// what it already had instead of starting over: an application removed from the model (here the
// operator's, taken away while the script deploys) stays in its view, with its last units, for good.
// A script that reports on, waits for or acts on its view then acts on a ghost. Otherwise it is
// robust.mjs: it pings, reconnects, logs in again, re-creates its watcher, retries "upgrade in
// progress" and deploys idempotently. watchers-resume catches it: its view, written as it exits,
// holds an application the model no longer has.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/ignore-remove.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** robust.mjs's deployment, plus THE BUG: removals never leave the view. */
class IgnoreRemove extends BundleDeployment {
  apply(deltas) {
    super.apply((deltas ?? []).filter(([, change]) => change !== 'remove'));
  }

  snapshot(deltas) {
    this.apply(deltas); // merged into the old view, not replacing it
    for (const app of this.done) if (!this.units.has(app)) this.done.delete(app);
  }
}

const deployment = new IgnoreRemove();
const exit = exitingAtDeadline('ignore-remove', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit));
