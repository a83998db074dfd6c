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
import { WebSocket } from 'ws';
import {
  BundleDeployment,
  exitingAtDeadline,
  sessionsForever,
  socketOptions,
  watchAndFollow,
} from '../../scenarios/clients/juju-script-kit.mjs';

/** THE BUG, half one: the calls in flight of every connection, in one table keyed by request-id. */
const inFlight = new Map();

/** A connection as the kit's `connect` makes one (same `call`, `close`, `ended`, `closed`). */
function connectSharingIds(url, { callTimeoutMs, handshakeTimeoutMs, onClose }) {
  const ws = new WebSocket(url, socketOptions(handshakeTimeoutMs));
  let nextId = 1; // THE BUG, half two: ids start over on every connection
  let closed = false;
  let ended;
  const conn = { ws, ended: new Promise((resolve) => (ended = resolve)), closed: () => closed };
  conn.close = () => {
    if (closed) return;
    closed = true;
    onClose?.();
    ws.terminate(); // THE BUG, half three: its calls in flight are left to their own timeouts
    ended();
  };
  conn.call = (type, version, request, params = {}, id, longPoll = false) =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error('connection closed'));
      const requestId = nextId++;
      const timer = longPoll
        ? undefined
        : setTimeout(() => {
            inFlight.delete(requestId);
            reject(new Error(`${type}.${request} timed out`));
            conn.close();
          }, callTimeoutMs);
      const settle = (f) => (v) => {
        clearTimeout(timer);
        f(v);
      };
      inFlight.set(requestId, { resolve: settle(resolve), reject: settle(reject) });
      ws.send(JSON.stringify({ 'request-id': requestId, type, version, request, params, ...(id ? { id } : {}) }));
    });
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const p = inFlight.get(msg['request-id']);
    inFlight.delete(msg['request-id']);
    if (msg.error) p?.reject(new Error(msg.error));
    else p?.resolve(msg.response);
  });
  ws.on('error', conn.close);
  ws.on('close', conn.close);
  ws.on('unexpected-response', conn.close);
  return conn;
}

const deployment = new BundleDeployment();
const exit = exitingAtDeadline('reqid-reset', deployment);

await sessionsForever((conn) => watchAndFollow(conn, deployment, exit), { dial: connectSharingIds });
