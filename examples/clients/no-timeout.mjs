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
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('no-timeout', deployment);

/** THE BUG: its connections have no call or handshake timeout (the kit's are dropped), and it never pings. */
const dialWithoutTimeouts = () => connect(API_URL);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit), { dial: dialWithoutTimeouts, ping: false });
