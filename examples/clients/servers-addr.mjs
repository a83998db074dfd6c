#!/usr/bin/env node
// A deployment script that redials the controller where its first Login said the API is, instead of
// the address it was given: it keeps the first host and port of that Login's `servers` and dials it
// on every reconnect. Juju's Login lists every API address the controller knows (each controller
// machine's, of every scope, its cloud-local ones among them), and Juju's own client dials them all
// and keeps the first that answers; a script that takes the first entry on trust may get an address
// it cannot reach from where it runs (upgrade-chaos's controller lists its cloud-local one first),
// and after the first dropped connection it never logs in again. Everything else is robust.mjs: it pings, reconnects
// with backoff, logs in again, re-creates its watcher, retries "upgrade in progress" and deploys
// idempotently.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/servers-addr.mjs"`.
import {
  API_URL,
  BundleDeployment,
  connect,
  exitingAtDeadline,
  sessionsForever,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** THE BUG: where every later connection goes, read once from the first Login's `servers`. */
let firstServer;

function serverUrl([hostPort] = []) {
  if (!hostPort) return undefined;
  const given = new URL(API_URL);
  const host = hostPort.value.includes(':') ? `[${hostPort.value}]` : hostPort.value;
  return `${given.protocol}//${host}:${hostPort.port}${given.pathname}${given.search}`;
}

/** The kit's connection, dialled to the remembered server, noting the first Login's `servers`. */
function dialRememberedServer(url, options) {
  const conn = connect(firstServer ?? url, options);
  const call = conn.call;
  conn.call = async (type, version, request, ...rest) => {
    const response = await call(type, version, request, ...rest);
    if (type === 'Admin' && request === 'Login') firstServer ??= serverUrl(response.servers?.[0]);
    return response;
  };
  return conn;
}

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('servers-addr', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit), { dial: dialRememberedServer });
