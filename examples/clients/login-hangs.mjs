#!/usr/bin/env node
// robust.mjs but for one habit (THE BUG): its Admin.Login has no timeout, and it pings only once
// logged in (as Juju's Go API client starts its pinger after Login). Every later call times out,
// so a link that dies under its watcher is found dead and it reconnects; but a link that goes
// half-open while it logs in (NAT state dropped, a controller machine gone without a FIN) never
// answers and never closes, and the script waits on its login until its deadline. Caught by a
// half-open tied to `login`; its sim twin is test/clients/login-hangs-client.ts.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/login-hangs.mjs"`.
import {
  API_URL,
  BundleDeployment,
  connect,
  exitingAtDeadline,
  login,
  reconnectForever,
  startPinging,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('login-hangs', deployment);

/** One connection whose calls time out, all but its login (THE BUG): resolves when it closes. */
function session() {
  const conn = connect(API_URL, { callTimeoutMs: 1_000, handshakeTimeoutMs: 1_000 });
  // A call sent as a long poll has no timeout: the login waits for its answer, however long.
  const untimed = (type, version, request, params) => conn.call(type, version, request, params, undefined, true);
  conn.ws.on('open', async () => {
    try {
      await login(untimed);
      startPinging(conn);
      await watchAndFollow(conn, deployment, exit);
    } catch {
      conn.close();
    }
  });
  return conn.ended;
}

await reconnectForever(session);
