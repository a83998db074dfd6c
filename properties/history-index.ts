/**
 * One walk over a history for every property. A history is judged by up to thirteen properties,
 * and each reads a few of its record types in order: the index reads the history once, noting the
 * kind of every record (its type; a request of the Application facade is a kind of its own, as
 * most requests are a client's Next or WatchAll and the properties of deploys read only those),
 * and hands each property the records of the kinds it asks for (`select`, a Selection), in order,
 * with their places in the history. Most records of a run are a client's calls and returns and its
 * AllWatcher requests, which a property of deploys or upgrades then never walks. Facts several
 * properties derive alike (the run's parameters, its final model, whether it was cut short, the
 * clients' operations and their reports) are worked out once, when first asked for.
 *
 * The index of a history is the same object for the same array while that array is among the last
 * few indexed (RECENT), until judgeProperties lets it go (release). Not a WeakMap: one entry per
 * judged history made the collector's work cost more than the index saved; so do facts a property
 * keeps for itself (`fact`). Every fact is a pure function of that array alone, computed by the
 * helpers that say its rule (common.ts, history.ts): a property that reads the index is still a pure
 * function of its history. An array that grew since it was indexed (a history still being recorded)
 * is indexed anew.
 */
import {
  readRunParams,
  type History,
  type HistoryRecord,
  type RecordOf,
  type RecordType,
  type RunParams,
} from '../harness/history.ts';
import {
  CONTROLLER_SIDE,
  ClientKeys,
  type ClientKey,
  controllerUnseen,
  cutShort,
  endTime,
  finalModel,
} from './common.ts';

export type DeployInvoke = Extract<RecordOf<'invoke'>, { f: 'deploy' }>;
export type RemoveInvoke = Extract<RecordOf<'invoke'>, { f: 'remove' }>;
export type Report = RecordOf<'ok' | 'fail' | 'info'>;

/** What the clients asked for and what they reported, read in one pass. */
export interface Operations {
  /** Keys of (client, op) for `reports`. */
  keys: ClientKeys;
  /** Every `invoke` with f 'deploy', in order. */
  deploys: DeployInvoke[];
  /** Every `invoke` with f 'remove', in order. */
  removes: RemoveInvoke[];
  /** (client, op) -> the last `ok` / `fail` / `info` of that operation. */
  reports: Map<ClientKey, Report>;
  /** Client and application (`client app`) -> the last time the controller accepted that client's
   *  removal of that application (an accepted `request` DestroyApplication naming it in `apps`). */
  destroyedAt: Map<string, number>;
}

/** A fact not worked out yet (undefined is an answer for several). */
const UNSET: unique symbol = Symbol('unset');
type Lazy<T> = T | typeof UNSET;

/** How many indexes are kept: a history is judged whole, then replayed or reported (a few at once). */
const RECENT = 8;

/**
 * Record kinds, numbered as first met: a record type, or APPLICATION_REQUEST for a `request` of
 * the Application facade (deploys and removals: few, and what most readers of requests want).
 */
const KINDS: Record<string, number> = Object.create(null) as Record<string, number>;
/** Kinds fit a byte: types past the 255th (only a malformed history has them) share OTHER, which
 *  no selection reads (selections are made as their modules load, before any history). */
const OTHER = 0;
const MAX_KINDS = 256;
const APPLICATION_REQUEST = 1;
let kindCount = 2;
const REQUEST = kindOf('request');

/** A record type's kind (a plain object's look-up: a Map's costs more, once per record). */
function kindOf(type: string): number {
  const kind = KINDS[type];
  if (kind !== undefined) return kind;
  if (kindCount >= MAX_KINDS) return OTHER;
  return (KINDS[type] = kindCount++);
}

/** Record types, with requests of every facade or of the Application facade only, as kinds. */
export class Kinds<T extends RecordType> {
  /** Kind -> 1 if one of these. */
  readonly mask = new Uint8Array(MAX_KINDS);
  constructor(types: readonly T[], options: { applicationRequestsOnly?: boolean } = {}) {
    for (const type of types) this.mask[kindOf(type)] = 1;
    this.mask[APPLICATION_REQUEST] = this.mask[REQUEST]!;
    if (options.applicationRequestsOnly) this.mask[REQUEST] = 0;
  }
}

/** The kinds a property reads (Kinds); `places`, with the place of each record in the history.
 *  Made once per property (module level), not per history: the index fills every selection in its
 *  one walk. */
export class Selection<T extends RecordType> extends Kinds<T> {
  /** Every selection made, by id (selections of the same kinds share one id and their records). */
  static readonly all: Selection<RecordType>[] = [];
  private static readonly ids = new Map<string, number>();
  readonly id: number;
  readonly places: boolean;
  constructor(types: readonly T[], options: { applicationRequestsOnly?: boolean; places?: boolean } = {}) {
    super(types, options);
    this.places = options.places === true;
    const key = `${this.mask.join('')}${this.places ? ' places' : ''}`;
    const id = Selection.ids.get(key);
    if (id !== undefined) {
      this.id = id;
      return;
    }
    this.id = Selection.all.length;
    Selection.ids.set(key, this.id);
    Selection.all.push(this as unknown as Selection<RecordType>);
    routes = undefined;
  }
}

/** Kind -> the selections (ids) that read it, and those of them that keep places; worked out
 *  again when a selection is made. */
let routes: { records: number[][]; places: number[][] } | undefined;

function routesOf(): { records: number[][]; places: number[][] } {
  if (routes) return routes;
  routes = { records: [], places: [] };
  for (let kind = 0; kind < MAX_KINDS; kind++) {
    const selections = Selection.all.filter((s) => s.mask[kind] === 1);
    routes.records.push(selections.map((s) => s.id));
    routes.places.push(selections.filter((s) => s.places).map((s) => s.id));
  }
  return routes;
}

/** Kind -> 1 for the controller-side kinds (CONTROLLER_SIDE). */
const CONTROLLER_SIDE_KINDS = new Uint8Array(MAX_KINDS);
for (const type of CONTROLLER_SIDE) CONTROLLER_SIDE_KINDS[kindOf(type)] = 1;
CONTROLLER_SIDE_KINDS[APPLICATION_REQUEST] = 1;

/** The records of a selection, in history order, and (for a selection with `places`) the place of
 *  each in the history. Shared by every reader of the selection: read only. */
export interface Selected<T extends RecordType> {
  records: readonly RecordOf<T>[];
  at: readonly number[];
}

export class HistoryIndex {
  private static readonly recent: HistoryIndex[] = [];
  /** The index asked for last: a history's properties ask for it in turn. */
  private static last: HistoryIndex | undefined;
  private readonly length: number;
  /** The kind of each record, once walked. */
  private kinds: Uint8Array | undefined;
  /** Per selection (id), its records and places, once walked. */
  private selected: Selected<RecordType>[] = [];
  private paramsFact: Lazy<RunParams> = UNSET;
  private finalFact: Lazy<RecordOf<'final-model'> | undefined> = UNSET;
  private cutShortFact: Lazy<string | undefined> = UNSET;
  private unseenFact: Lazy<string | undefined> = UNSET;
  private operationsFact: Lazy<Operations> = UNSET;
  private lagFact: Lazy<RecordOf<'lag'> | undefined> = UNSET;
  /** Facts a property derives for itself (`fact`): derive function, then its value. */
  private readonly derived: unknown[] = [];

  private constructor(readonly history: History) {
    this.length = history.length;
  }

  /** The index of this history (the same object for the same array, while it is recent). */
  static of(history: History): HistoryIndex {
    const last = HistoryIndex.last;
    if (last !== undefined && last.history === history && last.length === history.length) return last;
    const recent = HistoryIndex.recent;
    for (const index of recent)
      if (index.history === history && index.length === history.length) return (HistoryIndex.last = index);
    const index = new HistoryIndex(history);
    if (recent.push(index) > RECENT) recent.shift();
    return (HistoryIndex.last = index);
  }

  /**
   * Forgets this history's index: its properties have all judged it (judgeProperties). A history
   * kept past its run by its index outlives the collector's young-generation passes that the next
   * runs' allocations start, and each copies it (into the old generation at last): one history
   * kept for the next few runs cost more than a walk of it again would in the rare case a report
   * judges it again.
   */
  static release(history: History): void {
    const recent = HistoryIndex.recent;
    for (let i = recent.length - 1; i >= 0; i--) if (recent[i]!.history === history) recent.splice(i, 1);
    if (HistoryIndex.last?.history === history) HistoryIndex.last = undefined;
  }

  /** The one walk over the whole history: every record's kind, and every selection's records. */
  private walk(): Uint8Array {
    const history = this.history;
    const n = history.length;
    const kinds = new Uint8Array(n);
    const route = routesOf();
    const selected: Selected<RecordType>[] = Selection.all.map(() => ({ records: [], at: [] }));
    const records = selected.map((s) => s.records as HistoryRecord[]);
    const places = selected.map((s) => s.at as number[]);
    for (let i = 0; i < n; i++) {
      const r = history[i]!;
      let kind = KINDS[r.type] ?? kindOf(r.type);
      if (kind === REQUEST && (r as RecordOf<'request'>).facade === 'Application') kind = APPLICATION_REQUEST;
      kinds[i] = kind;
      const toRecords = route.records[kind]!;
      for (let j = 0; j < toRecords.length; j++) records[toRecords[j]!]!.push(r);
      const toPlaces = route.places[kind]!;
      for (let j = 0; j < toPlaces.length; j++) places[toPlaces[j]!]!.push(i);
    }
    this.selected = selected;
    return (this.kinds = kinds);
  }

  /** The records of the selection's kinds, in order, with their places in the history. */
  selectAt<T extends RecordType>(selection: Selection<T>): Selected<T> {
    if (!this.kinds) this.walk();
    const selected = this.selected[selection.id];
    // The walk fills the selections made before it: one made later (in a function, not at module
    // level) has nothing here, and its caller would fail on undefined far from the cause.
    if (selected === undefined)
      throw new Error(
        `selection ${selection.id} was made after this history was indexed: make selections once, at module level`,
      );
    return selected as unknown as Selected<T>;
  }

  /** The records of the selection's kinds, in order. */
  select<T extends RecordType>(selection: Selection<T>): readonly RecordOf<T>[] {
    return this.selectAt(selection).records;
  }

  /** Whether the history holds a record of these kinds (a look at the kinds, no selection). */
  any(kinds: Kinds<RecordType>): boolean {
    const all = this.kinds ?? this.walk();
    const mask = kinds.mask;
    for (let i = 0; i < all.length; i++) if (mask[all[i]!] === 1) return true;
    return false;
  }

  /** Whether a controller-side record (CONTROLLER_SIDE) lies strictly between two places. */
  controllerSideBetween(from: number, to: number): boolean {
    const kinds = this.kinds ?? this.walk();
    for (let i = from + 1; i < to; i++) if (CONTROLLER_SIDE_KINDS[kinds[i]!] === 1) return true;
    return false;
  }

  /** A fact a property derives from the history itself (`derive`: a pure function of the
   *  history, the same function each time), worked out once per index: a property asked for its
   *  verdict and for why it could not judge reads the same fold twice. */
  fact<T>(derive: (history: History) => T): T {
    const derived = this.derived;
    for (let i = 0; i < derived.length; i += 2) if (derived[i] === derive) return derived[i + 1] as T;
    const value = derive(this.history);
    derived.push(derive, value);
    return value;
  }

  /** The run's lag record: written at the run's end, after quiescence, so a look from the end finds
   *  it (a sim's history has none, and costs a few records). */
  get lag(): RecordOf<'lag'> | undefined {
    if (this.lagFact === UNSET) this.lagFact = lagRecord(this.history);
    return this.lagFact;
  }

  /** The run's parameters (readRunParams: throws when the history has no run-start record). */
  get params(): RunParams {
    if (this.paramsFact === UNSET) this.paramsFact = readRunParams(this.history);
    return this.paramsFact;
  }

  /** The time of the last record (endTime). */
  get end(): number {
    return endTime(this.history);
  }

  /** The final-model record, if the run got there (finalModel). */
  get finalModel(): RecordOf<'final-model'> | undefined {
    if (this.finalFact === UNSET) this.finalFact = finalModel(this.history);
    return this.finalFact;
  }

  /** Why the run cannot be judged on its final state, or undefined if it can (cutShort). */
  get cutShort(): string | undefined {
    if (this.cutShortFact === UNSET) this.cutShortFact = cutShort(this.history);
    return this.cutShortFact;
  }

  /** Why the controller's contract cannot be judged, or undefined if it can (controllerUnseen). */
  get controllerUnseen(): string | undefined {
    if (this.unseenFact === UNSET) this.unseenFact = controllerUnseen(this.history);
    return this.unseenFact;
  }

  /** The clients' operations and their reports. */
  get operations(): Operations {
    if (this.operationsFact === UNSET)
      this.operationsFact = readOperations(this.select(OPERATIONS), this.select(REQUESTS));
    return this.operationsFact;
  }
}

function lagRecord(history: History): RecordOf<'lag'> | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i]!;
    if (r.type === 'lag') return r;
    if (r.type === 'quiescence') break;
  }
  return undefined;
}

/** What readOperations reads: the clients' operations, and every request (a DestroyApplication of
 *  any facade, as its rule says). */
const OPERATIONS = new Selection(['invoke', 'ok', 'fail', 'info']);
const REQUESTS = new Selection(['request']);

function readOperations(
  operations: readonly RecordOf<'invoke' | 'ok' | 'fail' | 'info'>[],
  requests: readonly RecordOf<'request'>[],
): Operations {
  const ops: Operations = {
    keys: new ClientKeys(),
    deploys: [],
    removes: [],
    reports: new Map(),
    destroyedAt: new Map(),
  };
  for (const r of operations) {
    if (r.type !== 'invoke') ops.reports.set(ops.keys.key(r.client, r.op), r);
    else if (r.f === 'deploy') ops.deploys.push(r);
    else ops.removes.push(r);
  }
  // Requests apart: only their own order counts (the last removal of each application).
  for (const r of requests)
    if (r.accepted && r.method === 'DestroyApplication')
      for (const app of r.apps ?? []) ops.destroyedAt.set(`${r.client} ${app}`, r.t);
  return ops;
}
