#!/usr/bin/env node
// robust.mjs but for one habit (THE BUG): the moment a connection ends, or a call on it is refused
// ("upgrade in progress" included), it dials again, with no backoff at all. It pings, logs in again,
// re-creates its watcher, rebuilds its view and deploys idempotently, so it gets its deployment done;
// but while an agent restart keeps the controller down every dial is refused at once and the next
// follows (hundreds a second), and during upgrade steps every refused WatchAll costs a new
// connection and a login. After an upgrade every client reconnects at once: a controller with many
// such clients is kept from coming back by the login storm. reconnect-backoff catches it (a
// trial's Python script of this kind made 2,038 dials in one run).
// Run by upgrade-chaos as `--client-cmd "node examples/clients/no-backoff.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  followWatcher,
  nextDeltas,
  reconnectingSession,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('no-backoff', deployment);

for (;;) {
  await reconnectingSession(async (conn) => {
    // Any error, "upgrade in progress" included, closes the connection: the loop dials again.
    const { 'watcher-id': watcher } = await conn.call('Client', 8, 'WatchAll');
    await followWatcher(conn, deployment, exit, () => nextDeltas(conn, watcher));
  }).ended;
  // THE BUG: no wait before the next dial.
}
