#!/usr/bin/env node
// A robust deployment script: the habits that survive an upgrade race (lp:1455260's fix 1).
// - pings, and treats an unanswered ping as a dead connection;
// - reconnects with a short backoff, logs in again and re-creates its AllWatcher;
// - rebuilds its view from each new watcher's first snapshot (no ghosts);
// - retries calls refused with "upgrade in progress";
// - deploys idempotently: "already exists" counts as done (the answer to an accepted deploy may
//   have been lost with the connection).
// Exits 0 once its watcher shows every unit of the bundle active, 1 at its deadline.
// Run by upgrade-chaos as `--client-cmd "node scenarios/clients/robust.mjs"`.
import { BundleDeployment, exitingAtDeadline, sessionsForever, watchAndFollow } from './juju-script-kit.mjs';

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('robust', deployment);

// On every connection: watch (retrying while the controller upgrades), then deploy what is not yet
// deployed and follow the watcher until every unit is active.
await sessionsForever((conn) => watchAndFollow(conn, deployment, exit));
