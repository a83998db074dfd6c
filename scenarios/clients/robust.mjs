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
import { writeFileSync } from 'node:fs';
import { WebSocket } from 'ws';

const env = process.env;
const bundle = JSON.parse(env.UPGRADE_CHAOS_BUNDLE ?? '{"applications":{}}').applications;
const deadline = Date.now() + Number(env.UPGRADE_CHAOS_DEADLINE_MS ?? 600_000);
const PING_EVERY_MS = 300;
const CALL_TIMEOUT_MS = 1_000;
const RETRY_MS = 150;

let units = new Map(); // app -> Map(unit -> workload status)
const done = new Set(); // applications whose deploy the controller accepted (or already had)

function writeView() {
  if (!env.UPGRADE_CHAOS_VIEW_FILE) return;
  const applications = {};
  for (const [app, us] of units) applications[app] = { units: Object.fromEntries(us) };
  writeFileSync(env.UPGRADE_CHAOS_VIEW_FILE, JSON.stringify({ applications }));
}

function exit(code, why) {
  if (why) console.error(`robust: ${why}`);
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
    const close = () => {
      if (closed) return;
      closed = true;
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
        let watcher;
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
          const { deltas } = await call('AllWatcher', 3, 'Next', {}, watcher, true);
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
