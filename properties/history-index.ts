/**
 * Facts several properties (or several parts of one) derive from the same history, each worked out
 * once per history, when first asked for, and kept with it. A history is judged by up to eleven
 * properties, and the controller's contract has five of them read one view (read-views.ts: the
 * same array): without the index each rebuilt its reports by operation, its final model, its run
 * parameters, walking the history again for each.
 *
 * The index of a history is the same object for the same array while that array is among the last
 * few indexed (RECENT): judging one history asks for the indexes of its few views in turn. Not a
 * WeakMap: one entry per view of every judged history made the collector's work cost more than the
 * index saved. Every fact is a pure function of that array alone, computed by the helpers that say
 * its rule (common.ts, history.ts): a property that reads the index is still a pure function of its
 * history. An array that grew since it was indexed (a history still being recorded) is indexed anew.
 */
import { readRunParams, type History, type RecordOf, type RunParams } from '../harness/history.ts';
import { ClientKeys, controllerUnseen, cutShort, endTime, finalModel } from './common.ts';

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
  reports: Map<number, Report>;
  /** Client and application (`client app`) -> the last time the controller accepted that client's
   *  removal of that application (an accepted `request` DestroyApplication naming it in `apps`). */
  destroyedAt: Map<string, number>;
}

/** A fact not worked out yet (undefined is an answer for several). */
const UNSET: unique symbol = Symbol('unset');
type Lazy<T> = T | typeof UNSET;

/** How many indexes are kept: more than the distinct views one history is judged on (read-views.ts). */
const RECENT = 8;

export class HistoryIndex {
  private static readonly recent: HistoryIndex[] = [];
  private static next = 0;
  private readonly length: number;
  private paramsFact: Lazy<RunParams> = UNSET;
  private finalFact: Lazy<RecordOf<'final-model'> | undefined> = UNSET;
  private cutShortFact: Lazy<string | undefined> = UNSET;
  private unseenFact: Lazy<string | undefined> = UNSET;
  private operationsFact: Lazy<Operations> = UNSET;

  private constructor(readonly history: History) {
    this.length = history.length;
  }

  /** The index of this history (the same object for the same array, while it is recent). */
  static of(history: History): HistoryIndex {
    const recent = HistoryIndex.recent;
    for (const index of recent) if (index.history === history && index.length === history.length) return index;
    const index = new HistoryIndex(history);
    recent[HistoryIndex.next] = index;
    HistoryIndex.next = (HistoryIndex.next + 1) % RECENT;
    return index;
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
    if (this.operationsFact === UNSET) this.operationsFact = readOperations(this.history);
    return this.operationsFact;
  }
}

function readOperations(history: History): Operations {
  const ops: Operations = {
    keys: new ClientKeys(),
    deploys: [],
    removes: [],
    reports: new Map(),
    destroyedAt: new Map(),
  };
  for (const r of history) {
    switch (r.type) {
      case 'invoke':
        if (r.f === 'deploy') ops.deploys.push(r);
        else ops.removes.push(r);
        break;
      case 'ok':
      case 'fail':
      case 'info':
        ops.reports.set(ops.keys.key(r.client, r.op), r);
        break;
      case 'request':
        if (r.accepted && r.method === 'DestroyApplication')
          for (const app of r.apps ?? []) ops.destroyedAt.set(`${r.client} ${app}`, r.t);
        break;
    }
  }
  return ops;
}
