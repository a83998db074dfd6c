#!/usr/bin/env node
// A deployment script that merges each new watcher's first snapshot into the view it already had,
// instead of starting over. `remove` deltas are applied, so a removal it hears on a live watcher
// leaves no trace; but a snapshot carries no `remove` for what vanished while the script had no
// watcher (its connection dropped, it was reconnecting), so an application removed in that gap (here
// the operator's, taken away while the script deploys) stays in its view for good: a ghost. Otherwise
// it is robust.mjs: it pings, reconnects, logs in again, re-creates its watcher, retries "upgrade in
// progress" and deploys idempotently. watchers-resume catches it: its view, written as it exits,
// holds an application the model no longer has.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/merge-snapshot.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** robust.mjs's deployment, plus THE BUG: a new watcher's snapshot is merged, not a fresh view. */
class MergeSnapshot extends BundleDeployment {
  snapshot(deltas) {
    this.apply(deltas); // no `this.units = new Map()` first
    for (const app of this.done) if (!this.units.has(app)) this.done.delete(app);
  }
}

const deployment = new MergeSnapshot();
const exit = exitingAtDeadline('merge-snapshot', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit));
