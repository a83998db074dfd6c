#!/usr/bin/env node
// A deployment script with a reconnect bug of the kind upgrade-chaos exists to find. It pings,
// reconnects with backoff, re-creates its watcher and retries refused calls, as robust.mjs does,
// with one shortcut: a connection lost to a network reset (ECONNRESET) while its AllWatcher.Next
// is in flight is taken for a blip the controller did not notice, so after reconnecting it resumes
// the same watcher id instead of calling WatchAll. But a Juju watcher lives and dies with its
// connection: the resumed Next fails ("unknown watcher id"), which the script reads as "the
// controller stopped my watcher: the model is gone", and it gives up (exit 1). A reset at any other
// moment (during login, a deploy, a refused WatchAll), a partition (found by its pings) and an
// agent restart (a close without a reset) are all survived, so faults at random times find it
// only by luck; a disconnect tied to the watcher's Next (scenario weight `on-activity`, as in
// examples/clients/gated-on-activity.json) finds it at once.
// Run by upgrade-chaos as `--client-cmd "node examples/clients/reset-during-watch.mjs"`.
import { writeFileSync } from 'node:fs';
import { WebSocket } from 'ws';

const env = process.env;
const bundle = JSON.parse(env.UPGRADE_CHAOS_BUNDLE ?? '{"applications":{}}').applications;
const deadline = Date.now() + Number(env.UPGRADE_CHAOS_DEADLINE_MS ?? 600_000);
const PING_EVERY_MS = 300;
const CALL_TIMEOUT_MS = 1_000;
const RETRY_MS = 150;

let units = new Map(); // app -> Map(unit -> workload status)
let resumable; // THE BUG: a watcher id kept across a reset, to resume on the next connection
const done = new Set(); // applications whose deploy the controller accepted (or already had)

function writeView() {
  if (!env.UPGRADE_CHAOS_VIEW_FILE) return;
  const applications = {};
  for (const [app, us] of units) applications[app] = { units: Object.fromEntries(us) };
  writeFileSync(env.UPGRADE_CHAOS_VIEW_FILE, JSON.stringify({ applications }));
}

function exit(code, why) {
  if (why) console.error(`reset-during-watch: ${why}`);
  writeView();
  process.exit(code);
}
process.on('SIGTERM', () => exit(1, 'killed at the deadline'));
setTimeout(() => exit(1, 'deadline reached'), Math.max(0, deadline - Date.now() - 100)).unref();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const upgrading = (e) => /upgrade in progress/.test(e.message);

/** One connection: resolves when it closes, whatever the reason. */
function session() {
  return new Promise((resolveSession) => {
    const ws = new WebSocket(env.UPGRADE_CHAOS_API_URL, { handshakeTimeout: CALL_TIMEOUT_MS });
    let nextId = 1;
    let closed = false;
    const pending = new Map();
    let watching; // the watcher id while its Next is in flight
    let resetWhileWatching = false;
    const close = () => {
      if (closed) return;
      closed = true;
      resumable = resetWhileWatching ? watching : undefined;
      for (const p of pending.values()) p.reject(new Error('connection closed'));
      pending.clear();
      ws.terminate();
      resolveSession();
    };
    const call = (type, version, request, params = {}, id, longPoll = false) =>
      new Promise((resolve, reject) => {
        if (closed) return reject(new Error('connection closed'));
        const requestId = nextId++;
        const timer = longPoll ? undefined : setTimeout(() => close(), CALL_TIMEOUT_MS); // no answer: the link is dead
        pending.set(requestId, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        ws.send(JSON.stringify({ 'request-id': requestId, type, version, request, params, ...(id ? { id } : {}) }));
      });
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      const p = pending.get(msg['request-id']);
      pending.delete(msg['request-id']);
      if (msg.error) p?.reject(new Error(msg.error));
      else p?.resolve(msg.response);
    });
    ws.on('error', close);
    // ws reports every lost connection as a close; the socket beneath says whether it was a reset.
    ws.on('open', () =>
      ws._socket?.on('error', (e) => (resetWhileWatching = e.code === 'ECONNRESET' && watching !== undefined)),
    );
    ws.on('close', close);
    ws.on('unexpected-response', close);

    ws.on('open', async () => {
      try {
        await call('Admin', 3, 'Login', {
          'auth-tag': `user-${env.UPGRADE_CHAOS_USERNAME}`,
          credentials: env.UPGRADE_CHAOS_PASSWORD,
        });
        const ping = setInterval(() => call('Pinger', 1, 'Ping').catch(() => {}), PING_EVERY_MS);
        ws.once('close', () => clearInterval(ping));
        // Watch (retrying while the controller upgrades), then deploy what is not yet deployed.
        let watcher = resumable;
        const resumed = watcher !== undefined;
        resumable = undefined;
        while (!watcher) {
          try {
            watcher = (await call('Client', 8, 'WatchAll'))['watcher-id'];
          } catch (e) {
            if (!upgrading(e)) throw e;
            await sleep(RETRY_MS);
          }
        }
        let first = true;
        while (!closed) {
          let deltas;
          watching = watcher;
          try {
            ({ deltas } = await call('AllWatcher', 3, 'Next', {}, watcher, true));
          } catch (e) {
            if (resumed && !closed) exit(1, `the controller stopped my watcher (${e.message}): giving up`);
            throw e;
          } finally {
            watching = undefined;
          }
          if (first) {
            units = new Map(); // a new watcher's snapshot replaces the old view...
            apply(deltas);
            for (const app of done) if (!units.has(app)) done.delete(app); // ...and says what to deploy (again)
            void deployAll(call).catch(() => close());
            first = false;
          } else apply(deltas);
          if (deployed()) exit(0);
        }
      } catch {
        close();
      }
    });
  });
}

async function deployAll(call) {
  for (;;) {
    const todo = Object.entries(bundle).filter(([app]) => !done.has(app));
    if (todo.length === 0) return;
    try {
      const applications = todo.map(([app, spec]) => ({
        application: app,
        'charm-url': spec.charm,
        'num-units': spec.num_units,
      }));
      const { results } = await call('Application', 19, 'Deploy', { applications });
      results.forEach((r, i) => {
        if (!r.error || r.error.code === 'already exists' || /already exists/.test(r.error.message))
          done.add(todo[i][0]);
      });
    } catch (e) {
      if (!upgrading(e)) throw e;
    }
    await sleep(RETRY_MS);
  }
}

function apply(deltas) {
  for (const [kind, change, e] of deltas ?? []) {
    if (kind === 'application' && change !== 'remove' && !units.has(e.name)) units.set(e.name, new Map());
    if (kind === 'application' && change === 'remove') units.delete(e.name);
    if (kind !== 'unit') continue;
    if (!units.has(e.application)) units.set(e.application, new Map());
    if (change === 'remove') units.get(e.application).delete(e.name);
    else units.get(e.application).set(e.name, e['workload-status']?.current ?? 'unknown');
  }
}

function deployed() {
  return Object.entries(bundle).every(([app, spec]) => {
    const us = [...(units.get(app)?.values() ?? [])];
    return us.length >= spec.num_units && us.every((s) => s === 'active');
  });
}

let backoff = 50;
for (;;) {
  const started = Date.now();
  await session();
  if (Date.now() - started > 2_000) backoff = 50; // it was a real session: start the backoff over
  await sleep(backoff);
  backoff = Math.min(500, backoff * 2);
}
