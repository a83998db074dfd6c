/**
 * The built-in deployment scripts, as one engine driven by a policy: connect and log in, follow
 * the AllWatcher, deploy when asked and wait until the units are active. The policies (profiles.ts)
 * differ only where the real scripts differed: whether they reconnect, re-create their watcher,
 * reset their view, retry "upgrade in progress", and wait for the controller's upgrade first.
 */
import type { TimerHandle } from '../clock.ts';
import type { HistoryBody } from '../history.ts';
import { ErrorCode, facadeVersion } from '../controller/api-types.ts';
import { CallCounter, isUpgradeInProgress, RpcConnection, type CallOptions, type RpcResult } from './connection.ts';
import type { Client, ClientEnv } from './client.ts';
import { WatcherView } from './watcher-view.ts';
import { deployCharmUrl } from '../plan.ts';

export interface ClientPolicy {
  /** After losing the connection: never reconnect, only while waiting for the upgrade, or always. */
  reconnect: 'never' | 'while-waiting-for-upgrade' | 'always';
  /** Poll status until the controller has finished upgrading before any work (a savvy script). */
  waitForUpgrade: boolean;
  /** Ping every intervalMs from the moment of connecting; a ping unanswered after timeoutMs closes
   *  the connection, which settles every call still waiting on it. */
  keepalive?: { intervalMs: number; timeoutMs: number };
  /** An Admin.Login unanswered this long closes the connection (then the script reconnects, as
   *  after any lost connection). Absent: the login waits for its answer, or for the keepalive. */
  loginTimeoutMs?: number;
  /** Re-create the watcher on every new connection. */
  rewatchOnReconnect: boolean;
  /** A refused dial is never dialled again: the script gives up REFUSED_DIAL_GIVE_UP_MS later.
   *  python-libjuju 3.5.2's three dial retries (10, 20, 30 s apart) await the same failed dial
   *  again instead of dialling anew, so a controller that comes back meanwhile is never reached. */
  refusedDialIsFinal?: boolean;
  /** Reset the view from a new watcher's snapshot (a view that is not reset keeps ghosts). */
  resetViewOnNewWatcher: boolean;
  /** Retry calls refused with "upgrade in progress"; otherwise any watcher error kills the watcher. */
  retryUpgradeInProgress: boolean;
  /** Send a deploy or removal again when its answer was lost with the connection; "already exists"
   *  (deploy) and "not found" (removal) then count as done. */
  idempotentDeploys: boolean;
  /** A unit in error may still recover (Juju retries a failed hook after a backoff that doubles
   *  from 5 s): a deploy fails only once a unit of it has stayed in error this long (as its watcher
   *  shows it), not at the first `error`. Absent: the first `error` fails the deploy. */
  unitErrorGraceMs?: number;
  /** A planted bug, for tests and the bench only: the view ignores `remove` deltas (ghosts). */
  ignoreRemovals?: boolean;
  /** A planted bug, for tests only: a deploy is reported done once the controller accepts it,
   *  before its units are active (examples/clients/exits-when-accepted.mjs in the sim). */
  doneWhenAccepted?: boolean;
  /** A planted bug, for tests only: it dials again the moment a connection is lost or a dial
   *  refused, with no backoff (examples/clients/no-backoff.mjs in the sim). */
  noBackoff?: boolean;
  /** A planted bug, for tests and the bench only: its keepalive starts once it is logged in (as Juju's
   *  Go API client starts its pinger after Login), so without loginTimeoutMs a login on a link gone
   *  half-open waits for ever (examples/clients/login-hangs.mjs in the sim). */
  pingOnceLoggedIn?: boolean;
  /** A planted bug, for tests only: a deploy refused with "already exists" is sent again under the
   *  name NAME-2 ("the name is taken: pick a free one"), though the first attempt, whose answer was
   *  lost, created it (examples/clients/rename-on-conflict.mjs in the sim). */
  renameOnConflict?: boolean;
  /** A planted bug, for tests only: a watcher the controller stopped with the connection up (code
   *  `stopped`) is given up on, as examples/clients/stopped-done.mjs takes it for the end. */
  giveUpStoppedWatcher?: boolean;
  /** A planted bug, for tests only: every Deploy of an application after its first resolves the
   *  charm again and names a newer revision (examples/clients/retry-new-revision.mjs in the sim). */
  newRevisionOnRetry?: boolean;
}

type WatcherState = 'none' | 'starting' | 'live' | 'dead';

/** One operation the script was asked for: a deploy (done once its units show active) or a
 *  removal (done once the controller accepted it). */
interface Op {
  op: number;
  f: 'deploy' | 'remove';
  app: string;
  units: number;
  state: 'queued' | 'sending' | 'accepted';
  deadline: TimerHandle;
  /** A status call is asking whether the deploy's application still exists (confirmGone). */
  askingStatus: boolean;
  /** A unit of it is in error: the deploy fails when this fires (policy.unitErrorGraceMs). */
  errorGrace: TimerHandle | undefined;
  /** Deploy requests sent for it so far (policy.newRevisionOnRetry). */
  attempts: number;
}

const STATUS_POLL_MS = 2_000;
/** The options of a call with neither object id, params nor timeout: one object for them all. */
const NO_OPTIONS: CallOptions = Object.freeze({});
/** Retries of calls refused with "upgrade in progress" back off from 1 s to 8 s. */
const RETRY_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];
/** python-libjuju's waits after a refused dial (10 + 20 + 30 s) before it gives up (refusedDialIsFinal). */
export const REFUSED_DIAL_GIVE_UP_MS = 60_000;

export class ScriptedClient implements Client {
  private conn: RpcConnection | undefined;
  private connections = 0;
  private readonly calls = new CallCounter();
  private ready = false;
  private upgradeSeenDone = false;
  private gaveUp = false;
  private stopped = false;
  private watcher: WatcherState = 'none';
  /** The id of the watcher the script follows now; answers about any other one are stale. */
  private watcherId: string | undefined;
  /** The options of a Next on the watcher followed now (built once per watcher, not per Next). */
  private nextOptions: CallOptions = NO_OPTIONS;
  /** The plan asked for a rewatch: done as soon as the watcher is live and has delivered. */
  private rewatchWanted = false;
  private watchedOnce = false;
  private readonly viewState: WatcherView;
  private readonly ops = new Map<number, Op>();
  private nextOp = 1;
  private attempt = 0;
  /** "upgrade in progress" refusals since the last accepted call: how far retries back off. */
  private refusals = 0;
  /** The timers of later() not yet fired, for stop() to cancel: a few at a time, so an array (a
   *  Set's add and delete per timer cost more than the few compares of removing from it). */
  private readonly timers: TimerHandle[] = [];
  /** The options of a ping (the policy's timeout), built at the first. */
  private pingOptions: CallOptions | undefined;

  constructor(
    private readonly env: ClientEnv,
    private readonly policy: ClientPolicy,
  ) {
    this.viewState = new WatcherView({ ignoreRemovals: policy.ignoreRemovals === true });
  }

  start(): void {
    this.connect();
  }

  deploy(app: string, units: number): void {
    const op = this.nextOp++;
    this.env.history.record({ type: 'invoke', client: this.env.name, op, f: 'deploy', value: { app, units } });
    this.enqueue({ op, f: 'deploy', app, units });
  }

  remove(app: string): boolean {
    const op = this.nextOp++;
    this.env.history.record({ type: 'invoke', client: this.env.name, op, f: 'remove', value: { app } });
    this.enqueue({ op, f: 'remove', app, units: 0 });
    return true;
  }

  rewatch(): boolean {
    if (this.gaveUp) return false;
    this.rewatchWanted = true;
    this.rewatchIfWanted();
    return true;
  }

  /** Stops the live watcher (AllWatcher.Stop) and watches again, if the plan asked; true if it did. */
  private rewatchIfWanted(): boolean {
    const conn = this.conn;
    const id = this.watcherId;
    if (!this.rewatchWanted || this.watcher !== 'live' || id === undefined || !conn || !this.ready) return false;
    this.rewatchWanted = false;
    this.watcher = 'starting';
    this.watcherId = undefined;
    this.call('AllWatcher', 'Stop', { id }, () => {
      if (this.conn === conn && this.ready && this.watcher === 'starting' && this.watcherId === undefined)
        this.watchAll();
    });
    return true;
  }

  private enqueue(op: Pick<Op, 'op' | 'f' | 'app' | 'units'>): void {
    const deadline = this.env.clock.after(this.env.deployDeadlineMs, () =>
      this.finish(op.op, 'fail', 'deadline exceeded'),
    );
    // Every field from the start, in one order: an Op never changes shape (a field added later
    // gives the ops a second hidden class, and the optimized code that reads them deopts).
    this.ops.set(op.op, {
      op: op.op,
      f: op.f,
      app: op.app,
      units: op.units,
      state: 'queued',
      deadline,
      askingStatus: false,
      errorGrace: undefined,
      attempts: 0,
    });
    if (this.gaveUp) this.finish(op.op, 'fail', 'no connection to the controller');
    else this.sendQueued();
  }

  /** Nothing left to do: no operation open, and the watcher live (with no rewatch the plan asked
   *  for still owed), given up on, or lost with a connection by a script that never watches again. */
  settled(): boolean {
    if (this.ops.size > 0) return false;
    if (this.gaveUp || (this.watcher === 'live' && !this.rewatchWanted) || this.watcher === 'dead') return true;
    return this.watcher === 'none' && this.watchedOnce && !this.policy.rewatchOnReconnect;
  }

  view(): { watching: boolean; view: ReturnType<WatcherView['snapshot']> } {
    return { watching: this.watcher === 'live', view: this.viewState.snapshot() };
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.splice(0)) t.cancel();
    for (const op of this.ops.values()) {
      op.deadline.cancel();
      op.errorGrace?.cancel();
    }
    this.conn?.close();
  }

  // --- connection lifecycle ---

  private connect(): void {
    if (this.stopped) return;
    this.env.dial((result) => {
      if (this.stopped) {
        if (result.ok) result.transport.close();
        return;
      }
      if (!result.ok) {
        if (this.policy.refusedDialIsFinal) return this.later(REFUSED_DIAL_GIVE_UP_MS, () => this.giveUp());
        return this.connectionLost();
      }
      const conn = new RpcConnection(
        result.transport,
        this.env.clock,
        this.env.history,
        this.env.name,
        ++this.connections,
        this.calls,
      );
      this.conn = conn;
      conn.onClose(() => {
        if (this.conn === conn) this.connectionLost();
      });
      if (!this.policy.pingOnceLoggedIn) this.keepalive(conn);
      const params = {
        'auth-tag': `user-${this.env.credentials.username}`,
        credentials: this.env.credentials.password,
        nonce: '',
        'client-version': '1.22.1',
      };
      this.call('Admin', 'Login', { params, timeoutMs: this.policy.loginTimeoutMs }, (r) => {
        if (!r.ok) {
          if (r.outcome === 'error') return this.giveUp();
          // A login that timed out: the link is dead (half-open, or a partition). Closing it is
          // what connectionLost needs to reconnect; a closed one is going there already.
          if (r.outcome === 'timeout') conn.close();
          return;
        }
        this.attempt = 0;
        if (this.policy.pingOnceLoggedIn) this.keepalive(conn);
        if (this.policy.waitForUpgrade && !this.upgradeSeenDone) this.pollUntilUpgraded();
        else this.onReady();
      });
    });
  }

  private connectionLost(): void {
    this.conn = undefined;
    this.ready = false;
    this.watcherId = undefined;
    if (this.watcher !== 'dead') this.watcher = 'none';
    const waiting = this.policy.waitForUpgrade && !this.upgradeSeenDone;
    const reconnect =
      this.policy.reconnect === 'always' || (this.policy.reconnect === 'while-waiting-for-upgrade' && waiting);
    if (!reconnect) return this.giveUp();
    for (const op of this.ops.values())
      if (op.state === 'sending' && !this.policy.idempotentDeploys) this.finish(op.op, 'fail', 'connection lost');
    if (this.policy.noBackoff) return this.connect();
    const backoff = Math.min(8_000, 500 * 2 ** this.attempt++) + this.env.rng.int(0, 250);
    this.later(backoff, () => this.connect());
  }

  private giveUp(): void {
    this.gaveUp = true;
    this.conn?.close();
    for (const op of [...this.ops.values()]) this.finish(op.op, 'fail', 'lost the connection to the controller');
  }

  private keepalive(conn: RpcConnection): void {
    const k = this.policy.keepalive;
    if (!k) return;
    const ping = (this.pingOptions ??= { timeoutMs: k.timeoutMs });
    this.later(k.intervalMs, () => {
      if (!conn.isOpen) return;
      // Any answer, even "not logged in", shows the connection is alive.
      this.callOn(conn, 'Pinger', 'Ping', ping, (r) => {
        if (!r.ok && r.outcome === 'timeout') conn.close();
        else this.keepalive(conn);
      });
    });
  }

  private pollUntilUpgraded(): void {
    this.call('Client', 'FullStatus', NO_OPTIONS, (r) => {
      if (!r.ok) {
        if (r.outcome === 'error') this.later(STATUS_POLL_MS, () => this.pollUntilUpgraded());
        return;
      }
      const model = r.response['model'] as { 'model-status'?: { status?: string } } | undefined;
      if (model?.['model-status']?.status === 'available') {
        this.upgradeSeenDone = true;
        this.onReady();
      } else {
        this.later(STATUS_POLL_MS, () => this.pollUntilUpgraded());
      }
    });
  }

  private onReady(): void {
    this.ready = true;
    if (this.watcher === 'none' && (!this.watchedOnce || this.policy.rewatchOnReconnect)) this.watchAll();
    this.sendQueued();
  }

  // --- the watcher ---

  private watchAll(): void {
    this.watcher = 'starting';
    this.watchedOnce = true;
    this.call('Client', 'WatchAll', NO_OPTIONS, (r) => {
      if (r.ok) {
        const id = String(r.response['watcher-id'] ?? '');
        this.watcher = 'live';
        this.watcherId = id;
        this.nextOptions = { id };
        this.next(id, true);
      } else {
        this.watcherFailed(r, () => this.watchAll());
      }
    });
  }

  private next(id: string, first: boolean): void {
    // A new watcher's first Next is a snapshot of the model as the controller answers it: later than
    // every deploy already heard accepted, whose application it must then show (snapshotChecks).
    const acceptedBefore = first ? this.acceptedDeploys() : undefined;
    this.call('AllWatcher', 'Next', this.nextOptions.id === id ? this.nextOptions : { id }, (r) => {
      if (id !== this.watcherId) return; // a watcher the script stopped (rewatch) or lost
      if (!r.ok) return this.watcherFailed(r, () => this.next(id, first));
      if (first && this.policy.resetViewOnNewWatcher) this.viewState.reset();
      this.checkOps(this.viewState.apply(r.response['deltas']), acceptedBefore);
      if (!this.rewatchIfWanted()) this.next(id, false);
    });
  }

  private watcherFailed(r: RpcResult, retry: () => void): void {
    // The connection is gone (or about to be): connectionLost decides what happens next.
    if (r.ok || r.outcome !== 'error') return;
    // The controller stopped the watcher, the connection still up (plan.ts `stop-watcher`): a
    // script that re-creates its watcher on a new connection does so here too.
    const rewatch = this.policy.rewatchOnReconnect && !this.policy.giveUpStoppedWatcher;
    if (r.code === ErrorCode.stopped && rewatch && this.conn && this.ready) return this.watchAll();
    if (this.policy.retryUpgradeInProgress && isUpgradeInProgress(r)) {
      const conn = this.conn;
      this.later(this.retryDelay(), () => {
        if (this.conn === conn && this.ready) retry();
      });
      return;
    }
    this.watcher = 'dead';
    if (this.policy.reconnect === 'never') this.giveUp();
  }

  // --- deploys ---

  /** Sends the queued operations (on `app` only, when given) that may go now. */
  private sendQueued(app?: string): void {
    if (!this.ready) return;
    for (const op of this.ops.values()) {
      if (op.state !== 'queued' || (app !== undefined && op.app !== app) || this.earlierUnanswered(op)) continue;
      if (op.f === 'deploy') this.sendDeploy(op);
      else this.sendRemove(op);
    }
  }

  /** Operations on one application go out in the order asked, each once the one before was
   *  answered: a removal never overtakes the deploy it takes back, nor a deploy the removal before. */
  private earlierUnanswered(op: Op): boolean {
    for (const other of this.ops.values()) {
      if (other.op >= op.op) break; // the map keeps the order ops were asked in
      if (other.app === op.app && other.state !== 'accepted') return true;
    }
    return false;
  }

  private sendDeploy(op: Op): void {
    op.state = 'sending';
    const attempt = ++op.attempts;
    const revision = this.policy.newRevisionOnRetry && attempt > 1 ? attempt : undefined;
    const charm = deployCharmUrl(op.app, this.env.charmSource, revision);
    const params = { applications: [{ application: op.app, 'charm-url': charm, 'num-units': op.units }] };
    this.call('Application', 'Deploy', { params }, (r) => {
      if (!this.ops.has(op.op)) return;
      if (!r.ok) return this.unanswered(op, r);
      const results = r.response['results'] as { error?: { message?: string; code?: string } }[] | undefined;
      const error = results?.[0]?.error;
      if (error?.code === 'already exists' && this.policy.renameOnConflict) return this.deployRenamed(op);
      if (error && !(this.policy.idempotentDeploys && error.code === 'already exists')) {
        return this.finish(op.op, 'fail', error.message ?? 'deploy failed');
      }
      op.state = 'accepted';
      if (this.policy.doneWhenAccepted) return this.finish(op.op, 'ok');
      this.checkOps();
      this.sendQueued(op.app); // a removal of this app may have waited for it
    });
  }

  /** The planted renameOnConflict bug: the deploy goes again as NAME-2, and waits for that one's units. */
  private deployRenamed(op: Op): void {
    op.app = `${op.app}-2`;
    op.state = 'queued';
    this.sendQueued(op.app);
  }

  private sendRemove(op: Op): void {
    op.state = 'sending';
    const params = { applications: [{ 'application-tag': `application-${op.app}` }] };
    this.call('Application', 'DestroyApplication', { params }, (r) => {
      if (!this.ops.has(op.op)) return;
      if (!r.ok) return this.unanswered(op, r);
      const results = r.response['results'] as { error?: { message?: string; code?: string } }[] | undefined;
      const error = results?.[0]?.error;
      if (error && !(this.policy.idempotentDeploys && error.code === 'not found'))
        return this.finish(op.op, 'fail', error.message ?? 'remove failed');
      this.finish(op.op, 'ok');
      // Earlier deploys of the app still waiting for active units will never see them.
      for (const other of [...this.ops.values()])
        if (other.f === 'deploy' && other.app === op.app && other.op < op.op)
          this.finish(other.op, 'fail', 'removed before it completed');
    });
  }

  /** A deploy or removal got no answer, or a refusal: ask again, or fail it, as the policy says. */
  private unanswered(op: Op, r: Exclude<RpcResult, { ok: true }>): void {
    if (r.outcome !== 'error' && this.policy.idempotentDeploys)
      op.state = 'queued'; // the answer was lost: ask again
    else if (this.policy.retryUpgradeInProgress && isUpgradeInProgress(r)) {
      // Each refused operation retries itself (and what waits behind it on its application), as
      // a script's retry loop around one call does. Retrying every queued operation on each
      // refusal multiplied the retries by the operations queued: a storm no client sends.
      op.state = 'queued';
      this.later(this.retryDelay(), () => this.sendQueued(op.app));
    } else this.finish(op.op, 'fail', r.error);
  }

  /**
   * An accepted deploy is done when the watcher shows all its units active; failed on a unit error
   * (with a grace, on a unit error that lasts: Juju retries failed hooks), or when the watcher shows its application removed (`removed`: by this Next, which the controller
   * answered after the deploy: another client's removal, or this one's own): its units will never
   * be active, and a script that waited for them would hang until its deadline (ten minutes).
   */
  private checkOps(removed?: ReadonlySet<string>, acceptedBeforeSnapshot?: ReadonlySet<number>): void {
    // The live map, not a copy: finish() deletes only the op it finishes (the Map's iteration goes
    // on past it), and what it sends again is queued, not accepted, so never looked at here.
    for (const op of this.ops.values()) {
      if (op.f !== 'deploy' || op.state !== 'accepted') continue;
      if (removed?.has(op.app)) {
        this.finish(op.op, 'fail', 'removed before it completed');
        continue;
      }
      const units = this.viewState.units(op.app);
      if (!units) {
        if (acceptedBeforeSnapshot?.has(op.op)) this.confirmGone(op);
        continue;
      }
      let inError = false;
      let allActive = true;
      for (const status of units.values()) {
        if (status === 'error') inError = true;
        else if (status !== 'active') allActive = false;
      }
      if (inError) {
        this.unitInError(op);
        continue;
      }
      op.errorGrace?.cancel(); // no unit in error (any more): a later error waits its full grace
      op.errorGrace = undefined;
      if (units.size >= op.units && allActive) this.finish(op.op, 'ok');
    }
  }

  /** A unit of `op`'s application shows error: the deploy fails now, or once the unit has stayed in
   *  error for the policy's grace. */
  private unitInError(op: Op): void {
    const grace = this.policy.unitErrorGraceMs;
    const fail = () => this.finish(op.op, 'fail', `a unit of ${op.app} is in error`);
    if (grace === undefined) fail();
    else op.errorGrace ??= this.env.clock.after(grace, fail);
  }

  /** The accepted deploys still waiting for their units, by op number. */
  private acceptedDeploys(): Set<number> {
    const accepted = new Set<number>();
    for (const op of this.ops.values()) if (op.f === 'deploy' && op.state === 'accepted') accepted.add(op.op);
    return accepted;
  }

  /**
   * A new watcher's snapshot lacks the application of a deploy heard accepted before it was asked
   * for: it was removed meanwhile (another client's removal, while this script was reconnecting),
   * and a snapshot carries no `remove` for what is gone, so without this the script would wait for
   * units that never come until its deadline (ten minutes). A real controller's watcher may lag its
   * database, so the script asks the status (FullStatus reads the model itself) before giving up.
   */
  private confirmGone(op: Op): void {
    if (op.askingStatus) return;
    op.askingStatus = true;
    this.call('Client', 'FullStatus', NO_OPTIONS, (r) => {
      op.askingStatus = false;
      if (!r.ok || this.ops.get(op.op) !== op) return; // unanswered: the next snapshot asks again
      // A status without applications (another controller's shape) proves nothing: wait on.
      const apps = r.response['applications'] as Record<string, unknown> | undefined;
      if (apps && !Object.hasOwn(apps, op.app)) this.finish(op.op, 'fail', 'removed before it completed');
    });
  }

  private finish(op: number, outcome: 'ok' | 'fail', error?: string): void {
    const entry = this.ops.get(op);
    if (!entry) return;
    this.ops.delete(op);
    entry.deadline.cancel();
    entry.errorGrace?.cancel();
    const record: Extract<HistoryBody, { type: 'ok' | 'fail' | 'info' }> = {
      type: outcome,
      client: this.env.name,
      op,
      f: entry.f,
    };
    if (error !== undefined) record.error = error;
    this.env.history.record(record);
    if (!this.gaveUp) this.sendQueued(entry.app); // a later operation on the app may have waited for this one
  }

  // --- plumbing ---

  private call(facade: string, method: string, options: CallOptions, done: (r: RpcResult) => void): void {
    const conn = this.conn;
    if (!conn) return;
    // One closure per call: callOn's stop check and the refusal count together.
    conn.call(facade, facadeVersion(facade), method, options, (r) => {
      if (this.stopped) return;
      if (r.ok) this.refusals = 0;
      done(r);
    });
  }

  private callOn(
    conn: RpcConnection,
    facade: string,
    method: string,
    options: CallOptions,
    done: (r: RpcResult) => void,
  ): void {
    conn.call(facade, facadeVersion(facade), method, options, (r) => {
      if (!this.stopped) done(r);
    });
  }

  private retryDelay(): number {
    const backoff = RETRY_MS[Math.min(this.refusals++, RETRY_MS.length - 1)] ?? 0; // never undefined: index clamped
    return backoff + this.env.rng.int(0, 500);
  }

  private later(ms: number, fn: () => void): void {
    const timer = this.env.clock.after(ms, () => {
      // Swapped with the last and popped (their order does not matter: stop() cancels them all).
      const at = this.timers.indexOf(timer);
      if (at >= 0) {
        const last = this.timers.pop() as TimerHandle; // there is one: the timer at `at`
        if (at < this.timers.length) this.timers[at] = last;
      }
      fn();
    });
    this.timers.push(timer);
  }
}
