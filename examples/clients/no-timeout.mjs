#!/usr/bin/env node
// A deployment script that reconnects when its socket CLOSES, but has no ping, no call timeout and
// no handshake timeout. It logs in again, re-creates its watcher, retries "upgrade in progress" and
// deploys idempotently, as robust.mjs does, so it survives resets, restarts and partitions (they
// heal, and the held bytes arrive). A half-open link (`half-open`: NAT state dropped, a controller
// machine gone without a FIN) never heals and never closes: its AllWatcher.Next waits for ever, and
// the deployment is judged at the deadline.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/no-timeout.mjs"`.
import {
  API_URL,
  BundleDeployment,
  connect,
  exitingAtDeadline,
  login,
  reconnectForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('no-timeout', deployment);

/** One connection, no timeouts at all (THE BUG): resolves when it closes. */
function session() {
  const conn = connect(API_URL);
  conn.ws.on('open', async () => {
    try {
      await login(conn.call);
      await watchAndFollow(conn, deployment, exit);
    } catch {
      conn.close();
    }
  });
  return conn.ended;
}

await reconnectForever(session);
