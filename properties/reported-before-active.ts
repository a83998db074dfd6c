/**
 * Deploys a client reported done before the controller showed them done: the part of
 * deployments-complete that reads WHEN the units became active (deployments-complete.ts says the
 * rule). A pure function of the history's `unit-status` records (the controller's status history
 * of each unit) and the clients' deploy invokes and reports.
 *
 * On the process and container targets the controller's records and the client's are stamped by
 * two processes on one time zero (targets/live/merge.ts): their clocks agree to about 10 µs of real
 * time, while a client's `ok` follows the `active` it heard of by a network hop at least (0.6 ms
 * real at the least, over 46 deploys of the built-in client at time scale 0.02), and a tie puts the
 * controller's record first. So a correct client is not reported early for clock skew.
 */
import type { History, RecordOf } from '../harness/history.ts';
import { ClientKeys, type ClientKey } from './common.ts';
import { HistoryIndex, Selection } from './history-index.ts';

const READS = new Selection(['unit-status', 'invoke', 'ok', 'fail', 'info']);

type DeployInvoke = Extract<RecordOf<'invoke'>, { f: 'deploy' }>;

/** A deploy reported `ok` although the controller never had all its units active from its invoke to that report. */
export interface EarlyReport {
  invoke: DeployInvoke;
  /** Its `ok`. */
  report: RecordOf<'ok' | 'fail' | 'info'>;
  /** The app's units and their workload statuses as the controller held them at the report. */
  statuses: [unit: string, workload: string][];
  /** When the controller first had them all active after the report, if it ever did. */
  activeAt?: number;
}

/**
 * Every deploy reported `ok` for which no moment from its `invoke` to its `ok` (both included)
 * had, in the controller's `unit-status` records, at least `units` units of its app, all with
 * workload status `active`. A unit's status holds from its record until its next one; workload
 * `terminated` takes it out of the app. One pass over the history (and a look, for each such report,
 * at when its units became active after all).
 */
export function reportedBeforeActive(history: History): EarlyReport[] {
  const apps = new AppStatuses();
  const keys = new ClientKeys();
  const pending = new Map<ClientKey, { invoke: DeployInvoke; seen: boolean }>(); // invoke -> whether it saw its units active
  const early: EarlyReport[] = [];
  for (const r of HistoryIndex.of(history).select(READS)) {
    if (r.type === 'unit-status') {
      const app = apps.observe(r);
      if (r.workload !== 'active') continue;
      for (const p of pending.values())
        if (!p.seen && p.invoke.value.app === app) p.seen = apps.allActive(app, p.invoke.value.units);
      for (const e of early)
        if (e.activeAt === undefined && e.invoke.value.app === app && apps.allActive(app, e.invoke.value.units))
          e.activeAt = r.t;
    } else if (r.type === 'invoke' && r.f === 'deploy') {
      pending.set(keys.key(r.client, r.op), { invoke: r, seen: apps.allActive(r.value.app, r.value.units) });
    } else if (r.type === 'ok' || r.type === 'fail' || r.type === 'info') {
      const key = keys.key(r.client, r.op);
      const p = pending.get(key);
      if (!p) continue;
      pending.delete(key);
      if (r.type === 'ok' && !p.seen)
        early.push({ invoke: p.invoke, report: r, statuses: apps.statuses(p.invoke.value.app) });
    }
  }
  return early;
}

/** When the controller first had `units` units of `app`, all active, within [from, to] (both
 *  included; at `from` if they already were), if it did. */
export function allActiveWithin(
  history: History,
  app: string,
  units: number,
  from: number,
  to: number,
): number | undefined {
  const apps = new AppStatuses();
  let pastFrom = false; // the state at `from` has been looked at
  for (const r of HistoryIndex.of(history).select(UNIT_STATUSES)) {
    if (r.t > to) break;
    if (!pastFrom && r.t > from) {
      pastFrom = true;
      if (apps.allActive(app, units)) return from;
    }
    apps.observe(r);
    if (pastFrom && apps.allActive(app, units)) return r.t;
  }
  return !pastFrom && apps.allActive(app, units) ? from : undefined;
}

const UNIT_STATUSES = new Selection(['unit-status']);

/** Each application's units and their workload statuses as the controller holds them, folded from
 *  its `unit-status` records: a unit's status holds until its next record; `terminated` takes it out. */
class AppStatuses {
  private readonly apps = new Map<string, Map<string, string>>(); // app -> unit -> workload

  /** Takes a unit-status record in; returns its app. */
  observe(r: RecordOf<'unit-status'>): string {
    const app = r.unit.slice(0, r.unit.lastIndexOf('/'));
    let units = this.apps.get(app);
    if (!units) this.apps.set(app, (units = new Map()));
    if (r.workload === 'terminated') units.delete(r.unit);
    else units.set(r.unit, r.workload);
    return app;
  }

  /** At least `units` units of `app`, every one of them active. */
  allActive(app: string, units: number): boolean {
    const statuses = this.apps.get(app);
    if (!statuses || statuses.size < units) return false;
    for (const s of statuses.values()) if (s !== 'active') return false;
    return true;
  }

  statuses(app: string): [unit: string, workload: string][] {
    return [...(this.apps.get(app) ?? [])];
  }
}
