#!/usr/bin/env node
// A deployment script whose keepalive dies with its first connection. It is robust.mjs (it pings,
// reconnects, logs in again, re-creates its watcher, retries "upgrade in progress" and deploys
// idempotently) with one slip: the pinger is started once, on the first connection, and not again
// after a reconnect. Its AllWatcher.Next is a long poll with no timeout of its own, so on a later
// connection that goes half-open (the controller's end reset, the client's silent: no byte, no
// close) nothing tells it the link is dead: it waits on its Next until its deadline, its units
// never seen active. A half-open on the first connection is found by the ping, so the fault must
// land after a reconnect: a disconnect then a half-open tied to the client's Next (each occurrence
// of a moment fires one tied fault, so the half-open lands on the new connection).
// Run by upgrade-chaos as `--client-cmd "node examples/clients/ping-dies.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  reconnectForever,
  reconnectingSession,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('ping-dies', deployment);
let connections = 0;

await reconnectForever(
  () =>
    // THE BUG: only the first connection is pinged.
    reconnectingSession((conn) => watchAndFollow(conn, deployment, exit), { ping: ++connections === 1 }).ended,
);
