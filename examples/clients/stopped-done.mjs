#!/usr/bin/env node
// A deployment script that takes a stopped watcher for a finished deployment. It is robust.mjs (it
// pings, reconnects, logs in again, re-creates its watcher, retries "upgrade in progress" and
// deploys idempotently) with one shortcut: an AllWatcher.Next answered "watcher was stopped" while
// the connection is still up is read as "the controller is done with this model", and the script
// exits 0, reporting success. A Juju controller stops a watcher with the connection up when the
// multiwatcher behind it dies and is restarted (around agent restarts, or a watcher reaped): the
// client must call WatchAll again. The script's view, written as it exits, still shows units that
// were not active yet: watchers-resume catches the stale view. A watcher lost with its connection
// is survived as robust.mjs survives it, so only a `stop-watcher` fault finds the bug.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/stopped-done.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  nextDeltas,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('stopped-done', deployment);

await sessionsForever((conn) =>
  watchAndFollow(conn, deployment, exit, async (watcher) => {
    try {
      return await nextDeltas(conn, watcher);
    } catch (e) {
      // THE BUG: "watcher was stopped" on a live connection taken for the end of the deployment.
      if (!conn.closed() && /watcher was stopped/.test(e.message)) exit(0, `${e.message}: the deployment is done`);
      throw e;
    }
  }),
);
