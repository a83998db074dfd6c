#!/usr/bin/env node
// A deployment script whose API layer outlives its connections: one table of the calls in flight,
// keyed by request-id, serves every connection the script opens, and each new connection numbers its
// requests from 1 again. When a connection dies, the calls in flight on it are not failed at once:
// each is left to its own timeout, which takes its request-id out of the table and fails the call.
// By then the next connection may have sent a request with the same id: the old call's timeout takes
// the NEW call's entry away, and its answer, when it comes, matches nothing. A ping or a Deploy so
// orphaned times out in turn and costs one reconnect; an AllWatcher.Next (a long poll, with no timeout)
// waits for ever, on a connection whose pings still work, and the script never sees its units active.
// Everything else is robust.mjs: it pings, reconnects with backoff, logs in again, re-creates its
// watcher, retries "upgrade in progress" and deploys idempotently. Ids are small only on a young
// connection, so the old connection must die young, with timed calls in flight (a half-open or a
// partition, where pings go unanswered) and the new one must have a Next waiting when their
// timeouts fire.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/reqid-reset.mjs"`.
import {
  BundleDeployment,
  connect,
  exitingAtDeadline,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** THE BUG: the calls in flight of every connection in one table keyed by request-id, while each
 *  connection numbers its requests from 1; a dead connection's calls are left to their own timeouts,
 *  each of which takes its id out of the table, whichever connection's call has it now. */
const inFlight = new Map();
const connectSharingIds = (url, options) => connect(url, { ...options, inFlight });

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('reqid-reset', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit), { dial: connectSharingIds });
