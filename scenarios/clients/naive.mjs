#!/usr/bin/env node
// A naive deployment script, as many were written in 2015: one connection, log in, watch, deploy
// the bundle, wait until every unit is active. No ping, no reconnect, no retry: a dropped
// connection or an "upgrade in progress" refusal fails the deployment (exit 1).
// Run by upgrade-chaos as `--client-cmd "node scenarios/clients/naive.mjs"` (see command-client.ts
// for the environment it gets).
import { writeFileSync } from 'node:fs';
import { WebSocket } from 'ws';

const env = process.env;
const bundle = JSON.parse(env.UPGRADE_CHAOS_BUNDLE ?? '{"applications":{}}').applications;
const units = new Map(); // app -> Map(unit -> workload status)

function writeView() {
  if (!env.UPGRADE_CHAOS_VIEW_FILE) return;
  const applications = {};
  for (const [app, us] of units) applications[app] = { units: Object.fromEntries(us) };
  writeFileSync(env.UPGRADE_CHAOS_VIEW_FILE, JSON.stringify({ applications }));
}

function fail(why) {
  console.error(`naive: ${why}`);
  writeView();
  process.exit(1);
}

const ws = new WebSocket(env.UPGRADE_CHAOS_API_URL);
let nextId = 1;
const pending = new Map();
function call(type, version, request, params = {}, id) {
  return new Promise((resolve, reject) => {
    const requestId = nextId++;
    pending.set(requestId, { resolve, reject });
    ws.send(JSON.stringify({ 'request-id': requestId, type, version, request, params, ...(id ? { id } : {}) }));
  });
}
ws.on('message', (data) => {
  const msg = JSON.parse(data.toString());
  const p = pending.get(msg['request-id']);
  pending.delete(msg['request-id']);
  if (msg.error) p?.reject(new Error(msg.error));
  else p?.resolve(msg.response);
});
ws.on('error', (e) => fail(`connection error: ${e.message}`));
ws.on('close', () => fail('lost the connection to the controller'));
process.on('SIGTERM', () => fail('killed at the deadline'));

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

ws.on('open', async () => {
  try {
    await call('Admin', 3, 'Login', {
      'auth-tag': `user-${env.UPGRADE_CHAOS_USERNAME}`,
      credentials: env.UPGRADE_CHAOS_PASSWORD,
    });
    const { 'watcher-id': watcher } = await call('Client', 8, 'WatchAll');
    const applications = Object.entries(bundle).map(([app, spec]) => ({
      application: app,
      'charm-url': spec.charm,
      'num-units': spec.num_units,
    }));
    const { results } = await call('Application', 19, 'Deploy', { applications });
    const error = results.find((r) => r.error)?.error;
    if (error) fail(`deploy failed: ${error.message}`);
    for (;;) {
      const { deltas } = await call('AllWatcher', 3, 'Next', {}, watcher);
      apply(deltas);
      if (deployed()) {
        writeView();
        process.exit(0);
      }
    }
  } catch (e) {
    fail(e.message);
  }
});
