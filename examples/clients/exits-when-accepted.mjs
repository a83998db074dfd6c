#!/usr/bin/env node
// A deployment script with the bug of lp:1455260's bespoke scripts: it takes "the controller
// accepted my Deploy" for "my bundle is deployed". It pings, reconnects with backoff, retries
// calls refused with "upgrade in progress" and deploys idempotently, as robust.mjs does, so it
// survives every upgrade race; but it exits 0 as soon as every application's Deploy is accepted,
// while the units are still waiting for a machine or running their install hooks, and it writes
// no view (it never watched). Its exit status says "deployed" of a deployment that is not; a
// pipeline that runs the next step then meets units that are not ready (and, in 2015, units an
// upgrade interrupted mid-install). Only the controller's status history shows it: the units
// became active after the script said it was done (deployments-complete).
// Run by upgrade-chaos as `--client-cmd "node examples/clients/exits-when-accepted.mjs"`.
import { BundleDeployment, exitAtDeadline, sessionsForever } from '../../scenarios/clients/juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = (code, why) => {
  if (why) console.error(`exits-when-accepted: ${why}`);
  process.exit(code); // THE BUG's twin: no view written, there is nothing it watched
};
process.on('SIGTERM', () => exit(1, 'killed at the deadline'));
exitAtDeadline(exit);

await sessionsForever(async (conn) => {
  await deployment.deployAll(conn.call);
  exit(0, 'every Deploy accepted: done'); // THE BUG: accepted is not active
});
