// What the example deployment scripts share, so that each script is only its own habits: the
// environment upgrade-chaos gives a --client-cmd program (see harness/clients/command-client.ts),
// a Juju API connection (JSON over WebSocket, request-ids, calls that may time out), the view of the
// model its AllWatcher builds, an idempotent deploy of the bundle, and robust.mjs's way of working
// (sessionsForever, watchAndFollow), each step replaceable. Used by scenarios/clients/naive.mjs,
// robust.mjs and every buggy example in examples/clients/: each of those keeps only its bug.
import { writeFileSync } from 'node:fs';
import { WebSocket } from 'ws';

const env = process.env;
export const API_URL = env.UPGRADE_CHAOS_API_URL;
const PING_EVERY_MS = 300;
const CALL_TIMEOUT_MS = 1_000;
const RETRY_MS = 150;

/**
 * Real milliseconds per millisecond of model time: the harness plays a run at a time scale and
 * says which (UPGRADE_CHAOS_TIME_SCALE); a program run by hand runs at 1. The harness judges waits
 * in model time (reconnect-backoff: at most 10 retries in any 10 s), so a wait that must hold at
 * any scale is written in model time and slept for `modelMs * TIME_SCALE` real milliseconds.
 */
export const TIME_SCALE = timeScaleOf(env.UPGRADE_CHAOS_TIME_SCALE);

function timeScaleOf(value) {
  const scale = Number(value);
  return value !== undefined && Number.isFinite(scale) && scale > 0 ? scale : 1;
}

/** reconnectForever's backoff, in model time: 0.5 s, doubling to 5 s (50 ms to 500 ms real at 0.1). */
const BACKOFF_MODEL_MS = { first: 500, max: 5_000 };
/** A session that lasted this long in model time (2 s real at 0.1) was a real one: the backoff starts over. */
const LASTED_MODEL_MS = 20_000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const upgrading = (e) => /upgrade in progress/.test(e.message);
/** A Deploy result's error saying the application is there already. */
export const alreadyExists = (error) => error.code === 'already exists' || /already exists/.test(error.message);

/**
 * The WebSocket options of a dial: with --tls the URL is wss:// and the controller's certificate is
 * signed by a CA of its own, which upgrade-chaos hands over in UPGRADE_CHAOS_CA_CERT; without it
 * every handshake fails with `unable to verify the first certificate`.
 */
export function socketOptions(handshakeTimeoutMs) {
  return {
    ...(handshakeTimeoutMs ? { handshakeTimeout: handshakeTimeoutMs } : {}),
    ...(env.UPGRADE_CHAOS_CA_CERT ? { ca: env.UPGRADE_CHAOS_CA_CERT } : {}),
  };
}

/**
 * One API connection. `call(type, version, request, params, id, longPoll)` resolves with the
 * response or rejects with its error; with `callTimeoutMs`, a call (not a long poll) unanswered for
 * that long closes the connection: the link is dead. Any error or close ends it (`ended` resolves);
 * `onClose` runs first, before the calls in flight are rejected. Request-ids count from 1 on each
 * connection, as every Juju client's do.
 *
 * `inFlight`: a table (a Map by request-id) that keeps this connection's calls in flight instead of
 * one of its own, shared with other connections, whose calls then outlive it: its close leaves each
 * to its own timeout, which takes its request-id out of the table and fails it. A buggy API layer's
 * (examples/clients/reqid-reset.mjs): that timeout may take a later connection's call of the same id.
 */
export function connect(url, { callTimeoutMs, handshakeTimeoutMs, onClose, inFlight } = {}) {
  const ws = new WebSocket(url, socketOptions(handshakeTimeoutMs));
  let nextId = 1;
  let closed = false;
  const pending = inFlight ?? new Map();
  let ended;
  const conn = { ws, ended: new Promise((resolve) => (ended = resolve)), closed: () => closed };
  conn.close = () => {
    if (closed) return;
    closed = true;
    onClose?.();
    if (!inFlight) {
      for (const p of pending.values()) p.reject(new Error('connection closed'));
      pending.clear();
    }
    ws.terminate();
    ended();
  };
  conn.call = (type, version, request, params = {}, id, longPoll = false) =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error('connection closed'));
      const requestId = nextId++;
      const expire = () => {
        if (inFlight) {
          pending.delete(requestId);
          reject(new Error(`${type}.${request} timed out`));
        }
        conn.close();
      };
      const timer = callTimeoutMs && !longPoll ? setTimeout(expire, callTimeoutMs) : undefined;
      const settle = (f) => (v) => {
        clearTimeout(timer);
        f(v);
      };
      pending.set(requestId, { resolve: settle(resolve), reject: settle(reject) });
      ws.send(JSON.stringify({ 'request-id': requestId, type, version, request, params, ...(id ? { id } : {}) }));
    });
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const p = pending.get(msg['request-id']);
    pending.delete(msg['request-id']);
    if (msg.error) p?.reject(new Error(msg.error));
    else p?.resolve(msg.response);
  });
  ws.on('error', conn.close);
  ws.on('close', conn.close);
  ws.on('unexpected-response', conn.close);
  return conn;
}

export function login(call) {
  return call('Admin', 3, 'Login', {
    'auth-tag': `user-${env.UPGRADE_CHAOS_USERNAME}`,
    credentials: env.UPGRADE_CHAOS_PASSWORD,
  });
}

/** The bundle to deploy, what the watcher shows of it, and which deploys the controller accepted. */
export class BundleDeployment {
  bundle = JSON.parse(env.UPGRADE_CHAOS_BUNDLE ?? '{"applications":{}}').applications;
  units = new Map(); // app -> Map(unit -> workload status)
  done = new Set(); // applications whose deploy the controller accepted (or already had)

  apply(deltas) {
    for (const [kind, change, e] of deltas ?? []) {
      if (kind === 'application' && change !== 'remove' && !this.units.has(e.name)) this.units.set(e.name, new Map());
      if (kind === 'application' && change === 'remove') this.units.delete(e.name);
      if (kind !== 'unit') continue;
      if (!this.units.has(e.application)) this.units.set(e.application, new Map());
      if (change === 'remove') this.units.get(e.application).delete(e.name);
      else this.units.get(e.application).set(e.name, e['workload-status']?.current ?? 'unknown');
    }
  }

  /** A new watcher's first snapshot replaces the old view, and says what to deploy (again). */
  snapshot(deltas) {
    this.units = new Map();
    this.apply(deltas);
    for (const app of this.done) if (!this.units.has(app)) this.done.delete(app);
  }

  deployed() {
    return Object.entries(this.bundle).every(([app, spec]) => {
      const us = [...(this.units.get(app)?.values() ?? [])];
      return us.length >= spec.num_units && us.every((s) => s === 'active');
    });
  }

  /** The bundle's applications (those not yet done) as Application.Deploy takes them. */
  deployArgs(apps = Object.keys(this.bundle)) {
    return apps.map((app) => ({
      application: app,
      'charm-url': this.bundle[app].charm,
      'num-units': this.bundle[app].num_units,
    }));
  }

  /** The applications still to deploy: those not done. */
  todo() {
    return Object.keys(this.bundle).filter((app) => !this.done.has(app));
  }

  /** What the Deploy's result for `app` means: done, idempotently ("already exists" is done: the
   *  answer to an accepted deploy may have been lost with the connection). */
  async answered(call, app, result) {
    if (!result.error || alreadyExists(result.error)) this.done.add(app);
  }

  /** Deploys what is still to deploy (todo), taking each result as `answered` says, retrying
   *  "upgrade in progress". */
  async deployAll(call) {
    for (;;) {
      const todo = this.todo();
      if (todo.length === 0) return;
      try {
        const { results } = await call('Application', 19, 'Deploy', { applications: this.deployArgs(todo) });
        for (const [i, result] of results.entries()) await this.answered(call, todo[i], result);
      } catch (e) {
        if (!upgrading(e)) throw e;
      }
      await sleep(RETRY_MS);
    }
  }

  writeView() {
    if (!env.UPGRADE_CHAOS_VIEW_FILE) return;
    const applications = {};
    for (const [app, us] of this.units) applications[app] = { units: Object.fromEntries(us) };
    writeFileSync(env.UPGRADE_CHAOS_VIEW_FILE, JSON.stringify({ applications }));
  }
}

/** `exit(code, why)`: says why on stderr as `name: why`, writes the view, exits. SIGTERM (the
 *  harness's deadline) exits 1. */
export function exiting(name, deployment) {
  const exit = (code, why) => {
    if (why) console.error(`${name}: ${why}`);
    deployment.writeView();
    process.exit(code);
  };
  process.on('SIGTERM', () => exit(1, 'killed at the deadline'));
  return exit;
}

/** Gives up (exit 1) just before the deadline the harness gives the program. */
export function exitAtDeadline(exit) {
  const deadline = Date.now() + Number(env.UPGRADE_CHAOS_DEADLINE_MS ?? 600_000);
  setTimeout(() => exit(1, 'deadline reached'), Math.max(0, deadline - Date.now() - 100)).unref();
}

/** `exiting`, and a give-up (exit 1) just before the deadline: how a script that reconnects ends. */
export function exitingAtDeadline(name, deployment) {
  const exit = exiting(name, deployment);
  exitAtDeadline(exit);
  return exit;
}

/**
 * One connection of a script that reconnects: logs in, pings (an unanswered ping closes it, as a
 * dead link; `ping: false` does not), then `use(conn)`; any error closes it. Returns the connection;
 * `conn.ended` resolves once it is closed, whatever the reason. `dial(url, options)` opens it
 * (`connect`, unless a script has its own way of talking to the controller); `logIn(conn)` logs in
 * (Admin.Login with a call timeout, unless a script logs in its own way).
 */
export function reconnectingSession(
  use,
  { onClose, ping = true, dial = connect, logIn = (conn) => login(conn.call) } = {},
) {
  const conn = dial(API_URL, { callTimeoutMs: CALL_TIMEOUT_MS, handshakeTimeoutMs: CALL_TIMEOUT_MS, onClose });
  conn.ws.on('open', async () => {
    try {
      await logIn(conn);
      if (ping) startPinging(conn);
      await use(conn);
    } catch {
      conn.close();
    }
  });
  return conn;
}

/** Pings `conn` until it closes; with a call timeout, an unanswered ping closes it (a dead link). */
export function startPinging(conn) {
  const ping = setInterval(() => conn.call('Pinger', 1, 'Ping').catch(() => {}), PING_EVERY_MS);
  conn.ws.once('close', () => clearInterval(ping));
}

/** Client.WatchAll, retried while the controller upgrades: the new watcher's id. */
export async function watchAll(call) {
  for (;;) {
    try {
      return (await call('Client', 8, 'WatchAll'))['watcher-id'];
    } catch (e) {
      if (!upgrading(e)) throw e;
      await sleep(RETRY_MS);
    }
  }
}

/** The watcher's next deltas: AllWatcher.Next, a long poll (no call timeout: it waits for a change). */
export const nextDeltas = (conn, watcher) => conn.call('AllWatcher', 3, 'Next', {}, watcher, true);

/**
 * robust.mjs on one connection: watches (retrying while the controller upgrades), then follows the
 * watcher until the connection closes, deploying what is owed. `next(watcher)` asks for its deltas.
 */
export async function watchAndFollow(conn, deployment, exit, next = (watcher) => nextDeltas(conn, watcher)) {
  const watcher = await watchAll(conn.call);
  await followWatcher(conn, deployment, exit, () => next(watcher));
}

/**
 * Follows a watcher until the connection closes: its first answer is a snapshot (the view is
 * rebuilt from it and the deploys still owed are made), later ones are applied; exits 0 once every
 * unit of the bundle is active. `next()` asks for the watcher's next deltas.
 */
export async function followWatcher(conn, deployment, exit, next) {
  let first = true;
  while (!conn.closed()) {
    const { deltas } = await next();
    if (first) {
      deployment.snapshot(deltas);
      void deployment.deployAll(conn.call).catch(() => conn.close());
      first = false;
    } else deployment.apply(deltas);
    if (deployment.deployed()) exit(0);
  }
}

/**
 * Runs `session()` (which resolves once its connection has closed) again and again, with a backoff
 * in model time (BACKOFF_MODEL_MS) that starts over after a session that lasted: the same dials per
 * second of model time at any time scale, so reconnect-backoff holds at --time-scale 1 (an external
 * controller) as at 0.1. `timeScale`, `sleep` and `now` are the real ones unless a test gives its own.
 */
export async function reconnectForever(session, { timeScale = TIME_SCALE, sleep: wait = sleep, now = Date.now } = {}) {
  let backoff = BACKOFF_MODEL_MS.first;
  for (;;) {
    const started = now();
    await session();
    if (now() - started > LASTED_MODEL_MS * timeScale) backoff = BACKOFF_MODEL_MS.first;
    await wait(backoff * timeScale);
    backoff = Math.min(BACKOFF_MODEL_MS.max, backoff * 2);
  }
}

/** reconnectForever over reconnectingSession: `use(conn)` on every connection, for ever. */
export function sessionsForever(use, options) {
  return reconnectForever(() => reconnectingSession(use, options).ended);
}
