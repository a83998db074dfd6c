/**
 * The model's applications and units, and the change log the AllWatcher reads. Every mutation
 * bumps a revision and stores the entity's latest state (or its removal) under that revision, so a
 * watcher asks "what changed since revision r": Juju's coalescing AllWatcher semantics.
 */
import type { ModelView, Recorder } from '../history.ts';

export type DeltaKind = 'model' | 'application' | 'unit';
export type Delta = readonly [kind: DeltaKind, change: 'change' | 'remove', entity: Record<string, unknown>];

export interface Status {
  current: string;
  message: string;
  /** RFC 3339, as Juju sends it (python-libjuju parses it). */
  since: string;
}

/** A status to set: [current, message]. */
export type StatusPair = readonly [current: string, message: string];

export interface Unit {
  name: string;
  application: string;
  workload: Status;
  agent: Status;
}

export interface Application {
  name: string;
  charmUrl: string;
  units: Unit[];
}

/** An entity's latest state in the change log; the log is a list of these in revision order. */
interface Entry {
  id: string;
  rev: number;
  kind: DeltaKind;
  removed: boolean;
  entity: Record<string, unknown>;
  /** The delta that tells this revision, made at its first reading and shared by every watcher
   *  and Next that reads it (deltas are read, never written). */
  delta: Delta | undefined;
  /** The entries before and after it in revision order. */
  prev: Entry | undefined;
  next: Entry | undefined;
}

export const MODEL_UUID = 'd3b9a6c4-1a7e-4d3f-9a4e-0c5e2f1b7a10';
export const MODEL_NAME = 'default';

/** Where model time 0 sits on the calendar, for RFC 3339 timestamps: a fixed date, not the wall
 *  clock, so the sim stays a pure function of its seed. */
const MODEL_EPOCH_MS = Date.UTC(2026, 0, 1);

const DAY_MS = 86_400_000;

/** The entity of a log entry not yet written (entry() makes it, its put fills it at once). */
const EMPTY_ENTITY: Record<string, unknown> = Object.freeze({});

/** A model time (ms since the run started) as Juju's RFC 3339 timestamps, as Date.toISOString
 *  writes them. */
export function rfc3339(modelMs: number): string {
  const ms = Math.max(0, Math.round(modelMs));
  // Many changes share a moment (a deploy's units, a hook's status): format each moment once.
  if (ms === lastStamp.ms) return lastStamp.text;
  // Runs last hours of model time at most: the date is formatted once a day, the time of day
  // from tables of digits (a Date and its toISOString per moment were a few per cent of the sim's time).
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay.day) lastDay = { day, text: new Date(MODEL_EPOCH_MS + day * DAY_MS).toISOString().slice(0, 11) };
  const inDay = ms - day * DAY_MS;
  const text =
    lastDay.text +
    digits(Math.floor(inDay / 3_600_000), 2) +
    ':' +
    digits(Math.floor(inDay / 60_000) % 60, 2) +
    ':' +
    digits(Math.floor(inDay / 1000) % 60, 2) +
    '.' +
    digits(inDay % 1000, 3) +
    'Z';
  lastStamp = { ms, text };
  return text;
}
let lastStamp = { ms: -1, text: '' };
let lastDay = { day: -1, text: '' };

/** 0 to 999 written with three digits ("007"); the last two of each are the two-digit forms. */
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
const TWO_DIGITS: readonly string[] = THREE_DIGITS.slice(0, 100).map((s) => s.slice(1));

function digits(n: number, width: 2 | 3): string {
  return (width === 2 ? TWO_DIGITS[n] : THREE_DIGITS[n]) ?? String(n);
}

/** The entry's delta at its revision: one tuple, shared by every watcher that is sent it, so frozen
 *  (once per revision) that no reader can change what the others are sent. */
function deltaOf(e: Entry): Delta {
  return (e.delta ??= Object.freeze([e.kind, e.removed ? 'remove' : 'change', e.entity] as const));
}

/** What of it survives a crash (durable-state.ts). */
export interface DurableModel {
  applications: Application[];
  /** The change log, in revision order: [key, rev, kind, removed, entity]. */
  log: [key: string, rev: number, kind: string, removed: boolean, entity: Record<string, unknown>][];
  revision: number;
  charms: string[];
  localCharmRevision: number;
}

export class ModelState {
  private readonly apps = new Map<string, Application>();
  /** The change log: each entity's latest entry, found by kind and id (the entity's own name, not a
   *  key built per change), and linked in revision order from `first` to `last`, so that a change
   *  moves its entry to the end and a Next reads back from the end only what changed after it. */
  private readonly entries: Record<DeltaKind, Map<string, Entry>> = {
    model: new Map(),
    application: new Map(),
    unit: new Map(),
  };
  private first: Entry | undefined;
  private last: Entry | undefined;
  private revision = 0;
  /** Copied on unsubscribe, never changed in place: a put iterates the array it started with. */
  private listeners: (() => void)[] = [];
  /** Charm URLs added to the model (Charms.AddCharm, local uploads): a `local:` charm must be here
   *  before Application.Deploy can use it. */
  private readonly charms = new Set<string>();
  private localCharmRevision = 0;
  /** The config of the last agent version the model entity carried (configAt). */
  private versionConfig: { version: string; config: Readonly<Record<string, string>> } | undefined;

  /** `config`: the model's configuration, carried on the model entity (python-libjuju reads it). */
  constructor(
    private readonly clock: () => number,
    /** Where each unit's status changes are recorded (`unit-status`): the controller's history. */
    private readonly history: Recorder,
    /** The model's UUID: each controller the server hosts has its own. */
    readonly uuid = MODEL_UUID,
    private readonly config: Readonly<Record<string, string>> = {},
  ) {}

  private now(): string {
    return rfc3339(this.clock());
  }

  /** Records a charm as added to the model. */
  addCharm(url: string): void {
    this.charms.add(url);
  }

  /** A local charm upload: the URL Juju gives it (`local:SERIES/NAME-REV`, a new revision each time). */
  addLocalCharm(name: string, series: string): string {
    const url = `local:${series}/${name}-${this.localCharmRevision++}`;
    this.charms.add(url);
    return url;
  }

  hasCharm(url: string): boolean {
    return this.charms.has(url);
  }

  get rev(): number {
    return this.revision;
  }

  /** Called after every change (watchers waiting in Next subscribe here). */
  onChange(listener: () => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  application(name: string): Application | undefined {
    return this.apps.get(name);
  }

  applications(): IterableIterator<Application> {
    return this.apps.values();
  }

  units(): Unit[] {
    return [...this.apps.values()].flatMap((a) => a.units);
  }

  setModel(agentVersion: string, status: string, message: string): void {
    this.put('model', 'model', false, {
      'model-uuid': this.uuid,
      name: MODEL_NAME,
      life: 'alive',
      type: 'iaas',
      'agent-version': agentVersion,
      config: this.configAt(agentVersion),
      status: { current: status, message, since: this.now() },
    });
  }

  addApplication(name: string, charmUrl: string, units: number): Application {
    const app: Application = { name, charmUrl, units: [] };
    const since = this.now();
    for (let i = 0; i < units; i++) {
      app.units.push({
        name: `${name}/${i}`,
        application: name,
        workload: { current: 'waiting', message: 'waiting for machine', since },
        agent: { current: 'allocating', message: '', since },
      });
    }
    this.apps.set(name, app);
    this.put('application', name, false, this.appEntity(app));
    for (const unit of app.units) {
      this.recordStatus(unit);
      this.put('unit', unit.name, false, this.unitEntity(app, unit));
    }
    return app;
  }

  removeApplication(name: string): void {
    const app = this.apps.get(name);
    if (!app) return;
    this.apps.delete(name);
    for (const unit of app.units) {
      this.history.record({
        type: 'unit-status',
        unit: unit.name,
        workload: 'terminated',
        agent: unit.agent.current,
        t: 0,
      });
      this.put('unit', unit.name, true, this.unitEntity(app, unit, 'dead'));
    }
    this.put('application', name, true, this.appEntity(app, 'dead'));
  }

  setUnitStatus(unit: Unit, workload: StatusPair, agent: StatusPair): void {
    const app = this.apps.get(unit.application);
    if (!app) return;
    const since = this.now();
    // The status history keeps changes of status, not of message (a hook's name in the message).
    const changed = unit.workload.current !== workload[0] || unit.agent.current !== agent[0];
    unit.workload = { current: workload[0], message: workload[1], since };
    unit.agent = { current: agent[0], message: agent[1], since };
    if (changed) this.recordStatus(unit);
    this.put('unit', unit.name, false, this.unitEntity(app, unit));
  }

  /** Records the unit's status before the watchers hear of it: a client can only see what was recorded. */
  private recordStatus(unit: Unit): void {
    this.history.record({
      type: 'unit-status',
      unit: unit.name,
      workload: unit.workload.current,
      agent: unit.agent.current,
      t: 0,
    });
  }

  /** Deltas after revision `since` (all live entities when since is 0: the first Next's snapshot). */
  deltasSince(since: number): Delta[] {
    const out: Delta[] = [];
    if (since === 0) {
      for (let e = this.first; e; e = e.next) if (!e.removed) out.push(deltaOf(e));
      return out;
    }
    // Back from the end to the first entry after `since`, then forward: what changed, not the model.
    let from = this.last;
    if (!from || from.rev <= since) return out;
    while (from.prev && from.prev.rev > since) from = from.prev;
    for (let e: Entry | undefined = from; e; e = e.next) out.push(deltaOf(e));
    return out;
  }

  /** What the model holds, in the shape clients' views are compared with. */
  view(): ModelView {
    const applications: ModelView['applications'] = {};
    for (const app of this.apps.values()) {
      const units: Record<string, string> = {};
      for (const u of app.units) units[u.name] = u.workload.current;
      applications[app.name] = { units };
    }
    return { applications };
  }

  /** The charm URL each application runs, application -> URL (the final-model record's `charms`). */
  charmsRun(): Record<string, string> {
    const charms: Record<string, string> = {};
    for (const app of this.apps.values()) charms[app.name] = app.charmUrl;
    return charms;
  }

  /** What survives a crash (durable-state.ts): all of it. Shares the live objects: write it out at once. */
  durable(): DurableModel {
    return {
      applications: [...this.apps.values()],
      log: this.logEntries(),
      revision: this.revision,
      charms: [...this.charms],
      localCharmRevision: this.localCharmRevision,
    };
  }

  /** Takes back what durable() gave, in a model that has nothing yet (a controller starting after a crash). */
  restore(d: DurableModel): void {
    for (const app of d.applications) this.apps.set(app.name, app);
    for (const [key, rev, kind, removed, entity] of d.log) {
      const entry = this.entry(kind as DeltaKind, key.slice(key.indexOf(':') + 1));
      entry.rev = rev;
      entry.removed = removed;
      entry.entity = entity;
      entry.delta = undefined;
    }
    this.revision = d.revision;
    for (const url of d.charms) this.charms.add(url);
    this.localCharmRevision = d.localCharmRevision;
  }

  /** Names of the applications, for rewriting the model to an earlier copy. */
  applicationNames(): string[] {
    return [...this.apps.keys()];
  }

  /** The model config the model entity carries at an agent version: one object per version, shared
   *  by the entities of that version (entities are never changed once written), not a copy per
   *  status change. */
  private configAt(agentVersion: string): Readonly<Record<string, string>> {
    if (this.versionConfig?.version !== agentVersion) {
      // Copied, then the key set: V8 took microseconds for a spread with a key added in one literal.
      const config: Record<string, string> = Object.assign({}, this.config);
      config['agent-version'] = agentVersion;
      this.versionConfig = { version: agentVersion, config };
    }
    return this.versionConfig.config;
  }

  private put(kind: DeltaKind, id: string, removed: boolean, entity: Record<string, unknown>): void {
    const entry = this.entry(kind, id);
    entry.rev = ++this.revision;
    entry.removed = removed;
    entry.entity = entity;
    entry.delta = undefined;
    for (const listener of this.listeners) listener();
  }

  /** The entity's entry, moved to (or made at) the end of the log, for a new revision. */
  private entry(kind: DeltaKind, id: string): Entry {
    const byId = this.entries[kind];
    let entry = byId.get(id);
    if (!entry) {
      entry = {
        id,
        rev: 0,
        kind,
        removed: false,
        entity: EMPTY_ENTITY,
        delta: undefined,
        prev: undefined,
        next: undefined,
      };
      byId.set(id, entry);
    } else if (entry === this.last) {
      return entry;
    } else {
      // Unlinked from where it was: entry is not the last, so it has a next.
      if (entry.prev) entry.prev.next = entry.next;
      else this.first = entry.next;
      if (entry.next) entry.next.prev = entry.prev;
      entry.next = undefined;
    }
    entry.prev = this.last;
    if (this.last) this.last.next = entry;
    else this.first = entry;
    this.last = entry;
    return entry;
  }

  /** The change log in revision order, as durable() writes it. */
  private logEntries(): DurableModel['log'] {
    const log: DurableModel['log'] = [];
    for (let e = this.first; e; e = e.next) log.push([`${e.kind}:${e.id}`, e.rev, e.kind, e.removed, e.entity]);
    return log;
  }

  private appEntity(app: Application, life = 'alive'): Record<string, unknown> {
    return {
      'model-uuid': this.uuid,
      name: app.name,
      'charm-url': app.charmUrl,
      life,
      exposed: false,
      'min-units': 0,
      status: { current: 'active', message: '', since: this.now() },
    };
  }

  private unitEntity(app: Application, unit: Unit, life = 'alive'): Record<string, unknown> {
    return {
      'model-uuid': this.uuid,
      name: unit.name,
      application: app.name,
      'charm-url': app.charmUrl,
      life,
      'machine-id': '',
      'workload-status': unit.workload,
      'agent-status': unit.agent,
    };
  }
}
