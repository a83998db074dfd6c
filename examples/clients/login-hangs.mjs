#!/usr/bin/env node
// robust.mjs but for one habit (THE BUG): its Admin.Login has no timeout, and it pings only once
// logged in (as Juju's Go API client starts its pinger after Login). Every later call times out,
// so a link that dies under its watcher is found dead and it reconnects; but a link that goes
// half-open while it logs in (NAT state dropped, a controller machine gone without a FIN) never
// answers and never closes, and the script waits on its login until its deadline. Caught by a
// half-open tied to `login`; its sim twin is test/clients/login-hangs-client.ts.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/login-hangs.mjs"`.
import {
  BundleDeployment,
  exitingAtDeadline,
  login,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('login-hangs', deployment);

/** THE BUG: its login is sent as a long poll, which has no timeout: it waits for its answer, however
 *  long. Every other call times out (the kit's connection), and it pings once logged in. */
const untimedLogin = (conn) =>
  login((type, version, request, params) => conn.call(type, version, request, params, undefined, true));

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit), { logIn: untimedLogin });
