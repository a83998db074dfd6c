/**
 * The controller model: Juju's upgrade behaviour written once. It takes its clock, randomness and
 * connections from outside: the sim drives it with a virtual clock and an in-memory network, the
 * controller server (harness/wire) with real timers behind a WebSocket. It imports no wire code.
 */
import type { Scheduler } from '../clock.ts';
import type { HistoryBody, ModelView, Recorder, WatcherStopReason } from '../history.ts';
import type { Rng } from '../rng.ts';
import { ApiConnection } from './api.ts';
import { ActivityTriggers } from './activity-triggers.ts';
import type { ApiHost, Credentials, ServerTransport, UpgradeRequest, UpgradeResult } from './api-types.ts';
import { openAtCrash, type DurableController, type Recovery } from './durable-state.ts';
import { MODEL_NAME, MODEL_UUID, ModelState } from './model-state.ts';
import type { ControllerProfile } from './profile.ts';
import { ReleaseStreams } from './streams.ts';
import { UnitAgents } from './unit-agents.ts';
import { LiveWatchers } from './live-watchers.ts';
import { Upgrader } from './upgrader.ts';
import { compareVersions, uploadedVersion } from './version.ts';

export interface ControllerDeps {
  clock: Scheduler;
  rng: Rng;
  history: Recorder;
  profile: ControllerProfile;
  credentials: Credentials;
  /** The model's UUID (default MODEL_UUID): a server hosting many controllers gives each its own. */
  modelUuid?: string;
  /** Where clients look charms up (ModelGet's `charmhub-url`): the controller server's charm-info
   *  endpoint on loopback; the sim has no such endpoint and keeps CharmHub's address. */
  charmhubUrl?: string;
  /** Start as the controller that comes back after a crash: from its durable state and its records
   *  (durable-state.ts). */
  recover?: Recovery;
  /** Told when durable state changed that neither a record nor the model announces (a published
   *  release): the controller server saves it then. */
  onDurableChange?: () => void;
}

/** CharmHub's public API address, reported where no charm-info endpoint is served. */
const CHARMHUB_URL = 'https://api.charmhub.io';

export class Controller implements ApiHost {
  readonly streams: ReleaseStreams;
  readonly model: ModelState;
  readonly units: UnitAgents;
  readonly upgrader: Upgrader;
  readonly clock: Scheduler;
  readonly history: Recorder;
  readonly profile: ControllerProfile;
  readonly credentials: Credentials;
  readonly modelConfig: Readonly<Record<string, string>>;
  private readonly connections = new Map<number, ApiConnection>();
  /** Faults a plan ties to a client's API activity (see activity-triggers.ts). */
  readonly activity = new ActivityTriggers({
    nextInFlight: (client) => [...this.connections.values()].some((c) => c.client === client && c.nextInFlight),
    upgradeIdle: () => this.isUp && !this.upgrading,
    watcherLost: (client) => this.watcherLost(client),
    watcherLosses: (client) => this.liveWatchers.losses(client),
  });
  private nextConnId = 1;
  private nextWatcherId = 1;
  private bootstrapped = false;
  /** Applications when the upgrade steps started (profiles whose steps rewrite the model). */
  private stepsCopy: Set<string> | undefined;
  /** Last model entity written to the watchers' log, so unchanged status makes no delta. */
  private modelStatusKey = '';
  /** After a crash: the connections and watchers its records show open, ended when the agent is
   *  recorded down (no process is left to end them otherwise). */
  private lostInCrash: ReturnType<typeof openAtCrash> | undefined;
  private readonly onDurableChange: (() => void) | undefined;
  /** The clients' live watchers as the records show them (watcherLost); from the records already
   *  there when it starts over a history (a crash's recovery). */
  private readonly liveWatchers: LiveWatchers;

  constructor(deps: ControllerDeps) {
    this.clock = deps.clock;
    this.history = deps.history;
    this.liveWatchers = LiveWatchers.of(deps.history.records);
    this.profile = deps.profile;
    this.credentials = deps.credentials;
    this.onDurableChange = deps.onDurableChange;
    this.streams = new ReleaseStreams(deps.profile.streams);
    this.modelConfig = {
      name: MODEL_NAME,
      uuid: deps.modelUuid ?? MODEL_UUID,
      type: 'iaas',
      'default-series': 'jammy',
      'default-base': 'ubuntu@22.04',
      'charmhub-url': deps.charmhubUrl ?? CHARMHUB_URL,
    };
    this.model = new ModelState(() => deps.clock.now(), deps.history, deps.modelUuid, this.modelConfig);
    this.units = new UnitAgents(deps.clock, deps.rng.fork('units'), this.model, deps.profile, deps.history, () =>
      this.mayRunHooks(),
    );
    this.upgrader = new Upgrader(deps.clock, deps.rng.fork('upgrader'), deps.profile, deps.history, {
      down: () => this.agentDown(),
      stepsStarting: () => {
        if (this.profile.stepsRewriteModel && !this.stepsCopy) this.stepsCopy = new Set(this.model.applicationNames());
      },
      stepsFinished: () => this.rewriteModel(),
      changed: () => this.changed(),
    });
    if (deps.recover) this.recover(deps.recover);
  }

  /** What it keeps on disk, as Juju keeps it in MongoDB (durable-state.ts). Shares live objects:
   *  serialise it at once. */
  durable(): DurableController {
    return {
      bootstrapped: this.bootstrapped,
      streams: [...this.streams.list()],
      model: this.model.durable(),
      upgrader: this.upgrader.durable(),
      units: this.units.durable(),
      nextConnId: this.nextConnId,
      nextWatcherId: this.nextWatcherId,
      ...(this.stepsCopy ? { stepsCopy: [...this.stepsCopy] } : {}),
      modelStatusKey: this.modelStatusKey,
    };
  }

  /**
   * The process is killed: it records nothing more (a dead process writes no log), its sockets
   * close under the clients, armed faults and in-memory state go. Its timers are the caller's to
   * silence (the sim's controller process, controller-freeze.ts; on a server the process is gone).
   */
  abandon(): void {
    this.activity.clear();
    this.upgrader.dispose();
    for (const conn of [...this.connections.values()]) conn.abandon();
    this.connections.clear();
  }

  private recover({ state, records }: Recovery): void {
    for (const version of state.streams) this.streams.publish(version);
    this.model.restore(state.model);
    this.units.restore(state.units);
    this.nextConnId = state.nextConnId;
    this.nextWatcherId = state.nextWatcherId;
    this.modelStatusKey = state.modelStatusKey;
    if (state.stepsCopy) this.stepsCopy = new Set(state.stepsCopy);
    this.bootstrapped = state.bootstrapped;
    if (!state.bootstrapped) return;
    this.lostInCrash = openAtCrash(records);
    this.upgrader.recover(state.upgrader);
  }

  /** Records the end of what a crash took: per connection, its watchers, then itself, as a drop does. */
  private endLostInCrash(): void {
    const lost = this.lostInCrash;
    this.lostInCrash = undefined;
    if (!lost) return;
    for (const [conn, client] of lost.conns) {
      for (const [watcher, w] of lost.watchers)
        if (w.conn === conn) this.watcherStopped(conn, client, watcher, 'connection');
      this.history.record({ type: 'conn-close', conn, client, reason: 'agent-down' });
    }
  }

  get isBootstrapped(): boolean {
    return this.bootstrapped;
  }

  get isUp(): boolean {
    return this.bootstrapped && this.upgrader.up;
  }

  get version(): string {
    return this.upgrader.running;
  }

  /** An upgrade is pending or running. */
  get upgrading(): boolean {
    return this.upgrader.upgrading;
  }

  /** A newer patch the controller found but will not install (fix 2B). */
  get availableVersion(): string | undefined {
    return this.bootstrapped ? this.informedVersion(this.version) : undefined;
  }

  /** The version an upgrade in progress goes to. */
  get upgradeTarget(): string {
    return this.upgrader.desired;
  }

  /** Whether the API lets client work through now. */
  get apiRestricted(): boolean {
    if (this.profile.api !== 'restricted') return false;
    return this.profile.restrictedWindow === 'steps-at-login' ? this.upgrader.phase === 'steps' : this.upgrading;
  }

  bootstrap(): boolean {
    if (this.bootstrapped) return false;
    const p = this.profile;
    const version =
      p.agentVersionPin ?? (p.bootstrapUploadTools ? uploadedVersion(p.clientMachine.jujuOnPath) : p.clientVersion);
    // Juju 1.2x wrote the newest patch of the client's major.minor into agent-version, so the
    // fresh controller upgraded itself at once; pinning or uploading tools prevented that.
    const implicit = p.implicitUpgrade && !p.agentVersionPin && !p.bootstrapUploadTools;
    const desired = implicit ? this.streams.newestPatch(version) : version;
    this.bootstrapped = true;
    const available = this.informedVersion(version);
    const record: Extract<HistoryBody, { type: 'bootstrap' }> = { type: 'bootstrap', version, desired };
    if (available) record.available = available;
    this.history.record(record);
    if (desired !== version) this.history.record({ type: 'upgrade-requested', explicit: false, chosen: desired });
    this.upgrader.start(version, desired);
    this.changed();
    return true;
  }

  publish(version: string): boolean {
    const published = this.streams.publish(version);
    if (published) this.onDurableChange?.();
    return published;
  }

  /** An explicit upgrade, as `juju upgrade-juju [--agent-version V] [--upload-tools]` asks for it. */
  requestUpgrade(req: UpgradeRequest): UpgradeResult {
    const refuse = (error: string, code = ''): UpgradeResult => {
      const record = this.upgradeRequested(req);
      record.refused = error;
      this.history.record(record);
      return { ok: false, error, code };
    };
    if (!this.isUp) return refuse('controller unavailable');
    if (this.upgrading) return refuse('upgrade in progress', 'upgrade in progress');
    // --upload-tools builds the agent on the client machine: its juju decides the version.
    const chosen = req.uploadTools
      ? uploadedVersion(this.profile.clientMachine.jujuOnPath)
      : (req.version ?? this.newestCandidate());
    if (!req.uploadTools && req.version !== undefined && !this.streams.has(req.version)) {
      return refuse(`no matching tools available for ${req.version}`, 'not found');
    }
    const order = compareVersions(chosen, this.version);
    if (order < 0) return refuse(`cannot downgrade from ${this.version} to ${chosen}`);
    if (order === 0) return refuse(`no upgrades available: already at ${this.version}`);
    const record = this.upgradeRequested(req);
    record.chosen = chosen;
    this.history.record(record);
    this.upgrader.setDesired(chosen);
    return { ok: true, chosen };
  }

  /** Crash and restart the agent. */
  restart(): boolean {
    return this.bootstrapped && this.upgrader.crash();
  }

  /**
   * Whether a client's dial reaches the API now (the agent is up). A dial turned away is recorded
   * (`conn-refused`), so a client that redials in a tight loop shows in the history
   * (reconnect-backoff); the sim's network and the server's plain port both ask here.
   */
  admits(client: string): boolean {
    if (this.isUp) return true;
    this.history.record({ type: 'conn-refused', client, t: 0 });
    return false;
  }

  /**
   * Whether `client` had a watcher and has none live now: it lost it with its connection (it is away
   * or reconnecting) or the controller stopped it. As the records (watcher-start, watcher-stop) show
   * it, which a crash's recovery keeps; asked at an operator's removal and at every login of a
   * client with an armed `watcher-lost` trigger, so kept as they are recorded (live-watchers.ts).
   */
  watcherLost(client: string): boolean {
    return this.liveWatchers.lost(client);
  }

  watcherStarted(conn: number, client: string, watcher: string): void {
    this.history.record({ type: 'watcher-start', conn, client, watcher, t: 0 });
    this.liveWatchers.started(client, watcher);
  }

  watcherStopped(conn: number, client: string, watcher: string, reason: WatcherStopReason): void {
    this.history.record({ type: 'watcher-stop', conn, client, watcher, reason });
    this.liveWatchers.stopped(client, watcher);
  }

  /** The controller stops the live watchers of `client`'s connections, the connections staying up
   *  (plan.ts `stop-watcher`); whether there was one. */
  stopWatchers(client: string): boolean {
    let any = false;
    for (const conn of [...this.connections.values()])
      if (conn.client === client && conn.stopWatchersByController()) any = true;
    return any;
  }

  /** A client opens a connection; undefined when nothing is listening (agent down: recorded refused). */
  connect(client: string, transport: ServerTransport): ApiConnection | undefined {
    if (!this.admits(client)) return undefined;
    const id = this.nextConnId++;
    const conn = new ApiConnection(this, id, client, transport, () => this.connections.delete(id));
    this.connections.set(id, conn);
    this.history.record({ type: 'conn-open', conn: id, client, t: 0 });
    return conn;
  }

  /** Application.DestroyApplication: the application, its units and their agents go at once. */
  removeApplication(name: string): boolean {
    if (!this.model.application(name)) return false;
    this.model.removeApplication(name);
    this.units.prune();
    return true;
  }

  deployApplication(name: string, charmUrl: string, units: number): void {
    const app = this.model.addApplication(name, charmUrl, units);
    this.units.add(app.units);
  }

  hooksHeld<T>(fn: () => T): T {
    return this.units.held(fn);
  }

  newWatcherId(): string {
    return String(this.nextWatcherId++);
  }

  /** Nothing left in motion: agent up, no upgrade, no hook running or waiting. */
  get quiet(): boolean {
    return !this.bootstrapped || (this.upgrader.up && !this.upgrading && !this.units.busy());
  }

  view(): ModelView {
    return this.model.view();
  }

  /** The charm URL each application runs (application -> URL). */
  charms(): Record<string, string> {
    return this.model.charmsRun();
  }

  dispose(): void {
    this.activity.clear();
    this.upgrader.dispose();
    for (const conn of [...this.connections.values()]) conn.drop('agent-down');
  }

  private mayRunHooks(): boolean {
    return this.isUp && !this.apiRestricted;
  }

  private agentDown(): void {
    this.endLostInCrash();
    for (const conn of [...this.connections.values()]) conn.drop('agent-down');
    this.units.interruptAll();
  }

  private rewriteModel(): void {
    const copy = this.stepsCopy;
    this.stepsCopy = undefined;
    if (!copy) return;
    for (const name of this.model.applicationNames()) if (!copy.has(name)) this.model.removeApplication(name);
    this.units.prune();
  }

  private changed(): void {
    if (!this.bootstrapped) return;
    const status = this.upgrading ? 'busy' : 'available';
    const message = this.upgrading ? `upgrading to ${this.upgrader.desired}` : '';
    const key = `${this.version} ${status} ${message}`;
    if (key !== this.modelStatusKey) {
      this.modelStatusKey = key;
      this.model.setModel(this.version, status, message);
    }
    this.units.kick();
  }

  private newestCandidate(): string {
    const patch = this.streams.newestPatch(this.version);
    if (patch !== this.version) return patch;
    return this.streams.newest() ?? this.version;
  }

  /** An explicit request's record, its outcome (chosen or refused) to be set last: fields set one
   *  by one in the record's order, as a spread per request cost more. */
  private upgradeRequested(req: UpgradeRequest): Extract<HistoryBody, { type: 'upgrade-requested' }> {
    const record: Extract<HistoryBody, { type: 'upgrade-requested' }> = { type: 'upgrade-requested', explicit: true };
    if (req.version !== undefined) record.requested = req.version;
    return record;
  }

  /** Under inform-only (fix 2B), the newer patch of `version` status reports as available. */
  private informedVersion(version: string): string | undefined {
    if (!this.profile.informOnly) return undefined;
    const newest = this.streams.newestPatch(version);
    return newest !== version ? newest : undefined;
  }
}
