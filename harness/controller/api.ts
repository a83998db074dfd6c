/**
 * One client connection to the controller's API: login, facade dispatch, the upgrade gate of the
 * restricted API, and the AllWatchers the connection owns (they die with it).
 */
import assert from 'node:assert/strict';
import {
  NEXT_IN_FLIGHT_ERROR,
  WATCHER_STOPPED_ERROR,
  type CloseReason,
  type HistoryBody,
  type WatcherStopReason,
} from '../history.ts';
import { sameSecret } from './secret.ts';
import {
  ErrorCode,
  FACADES,
  type ApiHost,
  type ApiRequest,
  type ApiResponse,
  type ServerAddress,
  type ServerTransport,
} from './api-types.ts';
import type { Application, Status } from './model-state.ts';
import {
  addCharm,
  charmUrlRefusal,
  askedCharms,
  charmOf,
  deployFromRepositorySpecs,
  deploySpecs,
  field,
  modelGet,
  modelInfo,
  resolveCharms,
  type DeploySpec,
} from './model-calls.ts';

/** The facades Login announces, every version served of each: built once (every connection logs
 *  in), frozen as it is shared. Admin is the login root, not a facade a client picks: Juju does not
 *  list it, and python-libjuju warns of any facade it does not know. */
const FACADE_LIST: readonly { name: string; versions: readonly number[] }[] = Object.freeze(
  Object.entries(FACADES)
    .filter(([name]) => name !== 'Admin')
    .map(([name, versions]) => Object.freeze({ name, versions: Object.freeze([...versions]) })),
);

/** Calls the restricted API still serves during an upgrade (Juju 1.24's upgrade-restricted root). */
export const ALLOWED_WHILE_UPGRADING: ReadonlySet<string> = new Set([
  'Admin.Login',
  'Pinger.Ping',
  'Client.FullStatus',
]);

/** The calls `serve` answers, by facade then method (docs/client-programs.md lists them). */
export const SERVED_CALLS: readonly string[] = [
  'Admin.Login',
  'Pinger.Ping',
  'Client.FullStatus',
  'Client.WatchAll',
  'AllWatcher.Next',
  'AllWatcher.Stop',
  'Application.Deploy',
  'Application.DeployFromRepository',
  'Application.DestroyApplication',
  'ModelUpgrader.UpgradeModel',
  'ModelConfig.ModelGet',
  'ModelConfig.GetModelConstraints',
  'ModelManager.ModelInfo',
  'Charms.ResolveCharms',
  'Charms.AddCharm',
];

/** One served call: its qualified name (what serve switches on) and whether the gate lets it by. */
interface CallKind {
  name: string;
  allowedWhileUpgrading: boolean;
}

/** A facade as dispatch finds it: the versions served and the calls it answers. */
interface FacadeKind {
  versions: readonly number[];
  calls: Readonly<Record<string, CallKind>>;
}

/** Every facade, by name, with its calls: one look-up per request finds all dispatch needs to know
 *  of it (about sixty requests a run in the sim), where a Map per question was a few per cent of
 *  the sim's time. Objects without a prototype, so that a request naming "constructor" finds nothing. */
const FACADE_KINDS: Readonly<Record<string, FacadeKind>> = (() => {
  const kinds: Record<string, FacadeKind> = Object.create(null) as Record<string, FacadeKind>;
  for (const [facade, versions] of Object.entries(FACADES))
    kinds[facade] = { versions, calls: Object.create(null) as Record<string, CallKind> };
  for (const name of SERVED_CALLS) {
    const [facade = '', method = ''] = name.split('.');
    const kind = kinds[facade];
    assert(kind, `${name}: a call of a facade FACADES does not list`);
    (kind.calls as Record<string, CallKind>)[method] = {
      name,
      allowedWhileUpgrading: ALLOWED_WHILE_UPGRADING.has(name),
    };
  }
  return kinds;
})();

/** The params of a request that has none: read, never written. */
const NO_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({});

/** A call no facade serves: named as the request names it. */
function unservedCall(req: ApiRequest): CallKind {
  return { name: `${req.type}.${req.request}`, allowedWhileUpgrading: false };
}

/** Refused calls recorded on a connection that has not logged in (see recordRefusal). */
const MAX_REFUSALS_BEFORE_LOGIN = 100;

interface Watcher {
  id: string;
  /** Model revision delivered so far; 0 before the first Next (which gets the whole snapshot). */
  rev: number;
  waiting?: number; // request-id of a long-polling Next
  stopped: boolean;
}

/** What dispatch makes of a request: the response, a refusal, or LATER (a Next that waits). The
 *  response itself, not wrapped in an object per reply. */
type Reply = Record<string, unknown> | ApiError | typeof LATER;
const LATER = 'later';

/** A refusal, thrown within dispatch. Not an Error: capturing a stack for every refusal made
 *  refusals the sim's most expensive operation. */
class ApiError {
  constructor(
    readonly message: string,
    readonly code: string,
  ) {}
}

/** The gate's refusal, in Juju 2.x's words and in 1.2x's. */
const UPGRADE_IN_PROGRESS_2X = new ApiError('upgrade in progress', ErrorCode.upgradeInProgress);
const UPGRADE_IN_PROGRESS_1X = new ApiError('upgrade in progress - Juju functionality is limited', '');

export class ApiConnection {
  private loggedIn = false;
  /** Logged in while the upgrade steps ran, under a profile whose restriction is fixed at login. */
  private restrictedRoot = false;
  private closed = false;
  private readonly watchers = new Map<string, Watcher>();
  private unsubscribe: (() => void) | undefined;
  private flushScheduled = false;
  private refusalsBeforeLogin = 0;

  constructor(
    private readonly controller: ApiHost,
    readonly id: number,
    readonly client: string,
    private readonly transport: ServerTransport,
    private readonly onClosed: () => void,
  ) {}

  /** Whether the client has logged in (the server closes connections that never do). */
  get authenticated(): boolean {
    return this.loggedIn;
  }

  receive(req: ApiRequest): void {
    if (this.closed) return;
    // A fault tied to this very call (harness/controller/activity-triggers.ts) may cut the
    // connection or stop the agent here, before the controller acts on it.
    this.controller.activity.received(this.client, req.type, req.request);
    if (this.closed) return;
    const reply = this.dispatch(req);
    if (reply === LATER) return;
    const accepted = !(reply instanceof ApiError);
    // A fault tied to the moment between applying an accepted call and answering it may cut the
    // connection here: the call took effect, and its answer is lost with the connection.
    if (accepted) this.controller.activity.applied(this.client, req.type, req.request);
    if (this.closed) return;
    this.send(req['request-id'], reply);
    this.controller.activity.answered(this.client, req.type, req.request, accepted);
  }

  /** A watcher of this connection has a Next waiting for deltas. */
  get nextInFlight(): boolean {
    return this.anyWaiting();
  }

  /**
   * The controller stops this connection's live watchers itself, the connection staying up (plan.ts
   * `stop-watcher`: the multiwatcher behind them died and was restarted). A Next in flight is
   * answered "watcher was stopped" (code `stopped`), as is any later call naming them: the client
   * must call Client.WatchAll again. Whether there was a live watcher to stop.
   */
  stopWatchersByController(): boolean {
    if (this.closed) return false;
    let any = false;
    for (const w of this.watchers.values()) {
      if (w.stopped) continue;
      any = true;
      this.stopWatcher(w, 'controller');
    }
    return any;
  }

  /** The client closed its end. */
  closedByClient(): void {
    this.finish('client');
  }

  /** The controller drops the connection (agent restart). */
  drop(reason: CloseReason): void {
    if (this.closed) return;
    this.finish(reason);
    this.transport.close();
  }

  /** The controller process died: the socket closes under the client, and no record is written. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.transport.close();
  }

  private finish(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watchers.values()) this.stopWatcher(w, 'connection');
    this.unsubscribe?.();
    this.controller.history.record({ type: 'conn-close', conn: this.id, client: this.client, reason, t: 0 });
    this.onClosed();
  }

  private dispatch(req: ApiRequest): Reply {
    const facade = FACADE_KINDS[req.type];
    const call = facade?.calls[req.request] ?? unservedCall(req);
    const name = call.name;
    try {
      if (facade === undefined) throw new ApiError(`unknown object type "${req.type}"`, ErrorCode.notImplemented);
      if (!facade.versions.includes(req.version)) {
        throw new ApiError(`unknown version (${req.version}) of interface "${req.type}"`, ErrorCode.notImplemented);
      }
      if (name === 'Admin.Login') return this.login(req.params ?? {});
      if (!this.loggedIn) throw new ApiError('not logged in', ErrorCode.unauthorized);
      // The gate refuses most calls of a gated run: answered here, not thrown (no unwinding).
      if (!call.allowedWhileUpgrading && this.restricted()) return this.refuse(req, name, this.upgradeInProgress());
      return this.serve(name, req);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return this.refuse(req, name, e);
    }
  }

  private refuse(req: ApiRequest, name: string, refusal: ApiError): ApiError {
    this.recordRefusal(req, name, refusal.message);
    return refusal;
  }

  /** Every refused call is in the history with its reason ("not logged in" as much as "upgrade in
   *  progress": a script that skips Admin.Login after reconnecting shows there). A failed login has
   *  its own `login` record. Before login the records stop at MAX_REFUSALS_BEFORE_LOGIN, the last
   *  saying so: a hostile client that never logs in must not grow the history without bound. */
  private recordRefusal(req: ApiRequest, name: string, error: string): void {
    if (name === 'Admin.Login') return;
    if (this.loggedIn) return this.recordRequest(req, false, error, undefined, refusedCharms(name, req));
    this.refusalsBeforeLogin++;
    if (this.refusalsBeforeLogin > MAX_REFUSALS_BEFORE_LOGIN) return;
    const last = this.refusalsBeforeLogin === MAX_REFUSALS_BEFORE_LOGIN;
    const why = last ? `${error} (later refusals before login not recorded)` : error;
    this.recordRequest(req, false, why, undefined, refusedCharms(name, req));
  }

  private serve(name: string, req: ApiRequest): Reply {
    const params = req.params ?? NO_PARAMS;
    switch (name) {
      case 'Pinger.Ping':
        return {};
      case 'Client.FullStatus':
        this.recordRequest(req, true);
        return this.fullStatus();
      case 'Client.WatchAll':
        this.recordRequest(req, true);
        return { 'watcher-id': this.watchAll() };
      case 'AllWatcher.Next':
        return this.next(req);
      case 'AllWatcher.Stop': {
        const w = this.watcher(req.id);
        this.recordRequest(req, true);
        this.stopWatcher(w, 'client');
        return {};
      }
      case 'Application.Deploy':
        return this.deploy(req, deploySpecs(params), (error) => ({ error }));
      case 'Application.DeployFromRepository':
        return this.deploy(req, deployFromRepositorySpecs(params), (error, spec) =>
          error
            ? { errors: [error] }
            : { info: { name: spec.name, architecture: 'amd64' }, pendingresourceuploads: [] },
        );
      case 'Application.DestroyApplication':
        return this.destroyApplications(req, params);
      case 'ModelUpgrader.UpgradeModel':
        return this.upgradeModel(req, params);
      case 'ModelConfig.ModelGet':
        this.recordRequest(req, true);
        return modelGet(this.controller);
      case 'ModelConfig.GetModelConstraints':
        this.recordRequest(req, true);
        return { constraints: {} };
      case 'ModelManager.ModelInfo':
        this.recordRequest(req, true);
        return modelInfo(this.controller, params);
      case 'Charms.ResolveCharms':
        this.recordRequest(req, true);
        return resolveCharms(this.controller, params);
      case 'Charms.AddCharm': {
        const charm = addCharm(this.controller, params);
        if ('refused' in charm) throw new ApiError(charm.refused.message, charm.refused.code);
        this.recordRequest(req, true);
        return charm.added;
      }
      default:
        throw new ApiError(
          `no such request - method ${req.type}(${req.version}).${req.request} is not implemented`,
          ErrorCode.notImplemented,
        );
    }
  }

  /** Login's API addresses of the one controller machine: its cloud-local one first when a server
   *  has one (as Juju lists a machine's addresses), then the one the client dialled. */
  private serverEntries(): Readonly<Record<string, unknown>>[] {
    const { address, cloudLocalAddress } = this.transport;
    const dialled = address ? serverEntry(address) : DEFAULT_SERVER;
    return cloudLocalAddress ? [serverEntry(cloudLocalAddress, 'local-cloud'), dialled] : [dialled];
  }

  private login(params: Record<string, unknown>): Record<string, unknown> {
    const { username, password } = this.controller.credentials;
    const user = sameSecret(field(params, 'auth-tag'), `user-${username}`);
    const ok = sameSecret(field(params, 'credentials'), password) && user;
    this.controller.history.record({ type: 'login', conn: this.id, client: this.client, ok, t: 0 });
    if (!ok) throw new ApiError('invalid entity name or password', ErrorCode.unauthorized);
    this.loggedIn = true;
    this.restrictedRoot = this.controller.apiRestricted;
    const uuid = this.controller.model.uuid;
    return {
      'server-version': this.controller.version,
      'controller-tag': `controller-${uuid}`,
      'model-tag': `model-${uuid}`,
      'user-info': {
        'display-name': username,
        identity: `user-${username}`,
        'controller-access': 'superuser',
        'model-access': 'admin',
      },
      servers: [this.serverEntries()],
      facades: FACADE_LIST,
    };
  }

  private fullStatus(): Record<string, unknown> {
    const c = this.controller;
    const applications: Record<string, unknown> = {};
    for (const app of c.model.applications()) {
      const units: Record<string, unknown> = {};
      for (const u of app.units) {
        units[u.name] = {
          'workload-status': { status: u.workload.current, info: u.workload.message, since: u.workload.since },
          'agent-status': { status: u.agent.current, info: u.agent.message, since: u.agent.since },
        };
      }
      applications[app.name] = { charm: app.charmUrl, status: applicationStatus(app), units };
    }
    return {
      model: {
        name: 'default',
        type: 'iaas',
        version: c.version,
        'available-version': c.availableVersion ?? '',
        'model-status': {
          status: c.upgrading ? 'busy' : 'available',
          info: c.upgrading ? `upgrading to ${c.upgradeTarget}` : '',
        },
      },
      machines: {},
      applications,
    };
  }

  private watchAll(): string {
    const w: Watcher = { id: this.controller.newWatcherId(), rev: 0, stopped: false };
    this.watchers.set(w.id, w);
    this.controller.watcherStarted(this.id, this.client, w.id);
    return w.id;
  }

  private next(req: ApiRequest): Reply {
    const w = this.watcher(req.id);
    if (w.waiting !== undefined) throw new ApiError(NEXT_IN_FLIGHT_ERROR, ErrorCode.badRequest);
    this.recordRequest(req, true);
    const deltas = this.controller.model.deltasSince(w.rev);
    if (deltas.length > 0) {
      w.rev = this.controller.model.rev;
      return { deltas };
    }
    w.waiting = req['request-id'];
    this.unsubscribe ??= this.controller.model.onChange(() => this.scheduleFlush());
    this.controller.activity.nextWaiting(this.client);
    return LATER;
  }

  /** Answer waiting Nexts once the current burst of changes is over, so deltas come coalesced. */
  private scheduleFlush(): void {
    if (this.flushScheduled || !this.anyWaiting()) return;
    this.flushScheduled = true;
    this.controller.clock.after(0, this.flush);
  }

  /** The waiting Nexts answered with what changed (one bound function for every flush, no closure each). */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.closed) return;
    for (const w of this.watchers.values()) {
      if (w.waiting === undefined) continue;
      const deltas = this.controller.model.deltasSince(w.rev);
      if (deltas.length === 0) continue;
      const requestId = w.waiting;
      w.waiting = undefined;
      w.rev = this.controller.model.rev;
      this.send(requestId, { deltas });
    }
  };

  private anyWaiting(): boolean {
    for (const w of this.watchers.values()) if (w.waiting !== undefined) return true;
    return false;
  }

  private watcher(id: string | undefined): Watcher {
    const w = id !== undefined ? this.watchers.get(id) : undefined;
    if (!w) throw new ApiError('unknown watcher id', ErrorCode.notFound);
    if (w.stopped) throw new ApiError(WATCHER_STOPPED_ERROR, ErrorCode.stopped);
    return w;
  }

  private stopWatcher(w: Watcher, reason: WatcherStopReason): void {
    if (w.stopped) return;
    w.stopped = true;
    this.controller.watcherStopped(this.id, this.client, w.id, reason);
    if (w.waiting !== undefined && reason !== 'connection') {
      const requestId = w.waiting;
      w.waiting = undefined;
      this.send(requestId, new ApiError(WATCHER_STOPPED_ERROR, ErrorCode.stopped));
    }
  }

  /** Application.Deploy and DeployFromRepository: each spec on its own, an error per bad one;
   *  `result` shapes one entry of the reply as the call's version of it does. */
  private deploy(
    req: ApiRequest,
    specs: DeploySpec[] | undefined,
    result: (error: ErrorEntry | undefined, spec: DeploySpec) => Record<string, unknown>,
  ): Record<string, unknown> {
    if (!specs) throw new ApiError('applications must be a list', ErrorCode.badRequest);
    // The request is recorded before the hooks of the units it created start (ApiHost.hooksHeld).
    return this.controller.hooksHeld(() => {
      const created: string[] = [];
      const results = specs.map((spec) => {
        const error = this.deployOne(spec);
        if (!error) created.push(spec.name as string);
        return result(error, spec);
      });
      this.recordRequest(req, true, undefined, created, askedCharms(specs));
      return { results };
    });
  }

  private deployOne({ name, charm, units }: DeploySpec): ErrorEntry | undefined {
    // First, as Juju parses the charm URL before it looks at anything else of the application.
    const refusal = charmUrlRefusal(this.controller, charm);
    if (refusal) return refusal;
    if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name))
      return err(`invalid application name`, ErrorCode.badRequest);
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 0 || units > 100) {
      return err(`invalid num-units for ${name}`, ErrorCode.badRequest);
    }
    if (this.controller.model.application(name))
      return err(`application "${name}" already exists`, ErrorCode.alreadyExists);
    // A local charm is deployable once uploaded (POST /model/<uuid>/charms); store charms are
    // resolved by the store, not here.
    if (typeof charm === 'string' && charm.startsWith('local:') && !this.controller.model.hasCharm(charm)) {
      return err(`charm "${charm}" not found`, ErrorCode.notFound);
    }
    this.controller.deployApplication(name, charmOf({ name, charm, units }), units);
    return undefined;
  }

  /** Juju's Application.DestroyApplication, params {applications: [{"application-tag"}]}: the
   *  application and its units leave the model at once (the watchers see `remove` deltas). */
  private destroyApplications(req: ApiRequest, params: Record<string, unknown>): Record<string, unknown> {
    const specs = field(params, 'applications');
    if (!Array.isArray(specs)) throw new ApiError('applications must be a list', ErrorCode.badRequest);
    const removed: string[] = [];
    const results = specs.map((spec: unknown) => {
      const tag = field((spec ?? {}) as Record<string, unknown>, 'application-tag');
      const name = typeof tag === 'string' && tag.startsWith('application-') ? tag.slice('application-'.length) : '';
      if (!name) return { error: err('invalid application tag', ErrorCode.badRequest) };
      if (!this.controller.removeApplication(name))
        return { error: err(`application "${name}" not found`, ErrorCode.notFound) };
      removed.push(name);
      return {};
    });
    this.recordRequest(req, true, undefined, removed);
    return { results };
  }

  private upgradeModel(req: ApiRequest, params: Record<string, unknown>): Record<string, unknown> {
    const target = field(params, 'target-version');
    if (target !== undefined && typeof target !== 'string')
      throw new ApiError('target-version must be a string', ErrorCode.badRequest);
    this.recordRequest(req, true);
    const result = this.controller.requestUpgrade(target ? { version: target } : {});
    if (!result.ok) throw new ApiError(result.error, result.code);
    return { 'chosen-version': result.chosen };
  }

  private restricted(): boolean {
    return this.controller.profile.restrictedWindow === 'steps-at-login'
      ? this.restrictedRoot
      : this.controller.apiRestricted;
  }

  private upgradeInProgress(): ApiError {
    return this.controller.profile.upgradeErrorStyle === '2.x' ? UPGRADE_IN_PROGRESS_2X : UPGRADE_IN_PROGRESS_1X;
  }

  private recordRequest(
    req: ApiRequest,
    accepted: boolean,
    error?: string,
    apps?: string[],
    charms?: Record<string, string>,
  ): void {
    const watcher = req.type === 'AllWatcher' ? req.id : undefined;
    const { id: conn, client } = this;
    const { type: facade, request: method } = req;
    // The usual requests as whole literals, `t` last (see Recorder.record): a Next accepted, a call
    // accepted, a call refused without charms.
    if (apps === undefined && charms === undefined) {
      if (error === undefined) {
        if (watcher !== undefined) {
          this.controller.history.record({ type: 'request', conn, client, facade, method, accepted, watcher, t: 0 });
        } else this.controller.history.record({ type: 'request', conn, client, facade, method, accepted, t: 0 });
        return;
      }
      if (watcher === undefined) {
        this.controller.history.record({ type: 'request', conn, client, facade, method, accepted, error, t: 0 });
        return;
      }
    }
    // Optional fields set one by one, in this order (the record's JSON, hence its hash, keeps it):
    // object spreads here cost a copy per request.
    const record: Extract<HistoryBody, { type: 'request' }> = {
      type: 'request',
      conn: this.id,
      client: this.client,
      facade: req.type,
      method: req.request,
      accepted,
    };
    if (error !== undefined) record.error = error;
    if (apps) record.apps = apps;
    if (req.type === 'AllWatcher' && req.id !== undefined) record.watcher = req.id;
    if (charms) record.charms = charms;
    this.controller.history.record(record);
  }

  private send(requestId: number, reply: Exclude<Reply, typeof LATER>): void {
    // receive() and the flush return early on a closed connection, and closing stops watchers
    // without answering their Nexts: nothing is ever sent on a closed connection.
    if (this.closed) assert.fail(`conn ${this.id}: send on a closed connection`); // message built only then
    const frame: ApiResponse =
      reply instanceof ApiError
        ? { 'request-id': requestId, response: {}, error: reply.message, 'error-code': reply.code }
        : { 'request-id': requestId, response: reply };
    this.transport.send(frame);
  }
}

type ErrorEntry = { message: string; code: string };

/** The charms a refused deploy asked for (the same reading as an accepted one's), else undefined. */
function refusedCharms(name: string, req: ApiRequest): Record<string, string> | undefined {
  if (name === 'Application.Deploy') return askedCharms(deploySpecs(req.params ?? {}));
  if (name === 'Application.DeployFromRepository') return askedCharms(deployFromRepositorySpecs(req.params ?? {}));
  return undefined;
}

/** Juju's derived application status: its units' most severe workload status. */
const SEVERITY = ['unknown', 'active', 'waiting', 'maintenance', 'blocked', 'error'];

function applicationStatus(app: Application): { status: string; info: string; since: string } {
  let worst: Status | undefined;
  for (const u of app.units) {
    if (!worst || SEVERITY.indexOf(u.workload.current) > SEVERITY.indexOf(worst.current)) worst = u.workload;
  }
  return worst
    ? { status: worst.current, info: worst.message, since: worst.since }
    : { status: 'unknown', info: '', since: '' };
}

function err(message: string, code: string): ErrorEntry {
  return { message, code };
}

/** Where a transport that does not know its address (the sim's) says the API is: Juju's default port. */
const DEFAULT_ADDRESS: ServerAddress = { host: '127.0.0.1', port: 17070 };

/** Login's `servers` entry for DEFAULT_ADDRESS (every sim login): written once, read only. */
const DEFAULT_SERVER: Readonly<Record<string, unknown>> = Object.freeze(serverEntry(DEFAULT_ADDRESS));

/** One of Login's `servers`, as Juju writes a host and port; `scope` read from the host unless given. */
function serverEntry({ host, port }: ServerAddress, scope = scopeOf(host)): Record<string, unknown> {
  const type = /^\d+(\.\d+){3}$/.test(host) ? 'ipv4' : host.includes(':') ? 'ipv6' : 'hostname';
  return { value: host, type, scope, port };
}

function scopeOf(host: string): string {
  return host === 'localhost' || host.startsWith('127.') || host === '::1' ? 'local-machine' : 'public';
}
