#!/usr/bin/env node
// A deployment script with a reconnect bug of the kind upgrade-chaos exists to find. It pings,
// reconnects with backoff, re-creates its watcher and retries refused calls, as robust.mjs does,
// with one shortcut: a connection lost to a network reset (ECONNRESET) while its AllWatcher.Next
// is in flight is taken for a blip the controller did not notice, so after reconnecting it resumes
// the same watcher id instead of calling WatchAll. But a Juju watcher lives and dies with its
// connection: the resumed Next fails ("unknown watcher id"), which the script reads as "the
// controller stopped my watcher: the model is gone", and it gives up (exit 1). A reset at any other
// moment (during login, a deploy, a refused WatchAll), a partition (found by its pings) and an
// agent restart (a close without a reset) are all survived, so faults at random times find it
// only by luck; a disconnect tied to the watcher's Next (scenario weight `on-activity`, as in
// examples/clients/gated-on-activity.json) finds it at once.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/reset-during-watch.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  followWatcher,
  nextDeltas,
  reconnectForever,
  reconnectingSession,
  watchAll,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('reset-during-watch', deployment);
let resumable; // THE BUG: a watcher id kept across a reset, to resume on the next connection

/** One connection: resolves when it closes, whatever the reason. */
function session() {
  let watching; // the watcher id while its Next is in flight
  let resetWhileWatching = false;
  const conn = reconnectingSession(
    async ({ call }) => {
      // Watch (retrying while the controller upgrades), unless a watcher is kept to resume.
      const resumed = resumable !== undefined;
      const watcher = resumable ?? (await watchAll(call));
      resumable = undefined;
      await followWatcher(conn, deployment, exit, async () => {
        watching = watcher;
        try {
          return await nextDeltas(conn, watcher);
        } catch (e) {
          if (resumed && !conn.closed()) exit(1, `the controller stopped my watcher (${e.message}): giving up`);
          throw e;
        } finally {
          watching = undefined;
        }
      });
    },
    { onClose: () => (resumable = resetWhileWatching ? watching : undefined) },
  );
  // ws reports every lost connection as a close; the socket beneath says whether it was a reset.
  conn.ws.on('open', () =>
    conn.ws._socket?.on('error', (e) => (resetWhileWatching = e.code === 'ECONNRESET' && watching !== undefined)),
  );
  return conn.ended;
}

await reconnectForever(session);
