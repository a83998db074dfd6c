/**
 * What a controller keeps on disk, as Juju keeps it in MongoDB: what survives when the whole
 * controller is killed and started again (a `crash` plan event). The model (applications, units,
 * their statuses, the watchers' change log), the release streams, the upgrade state (running and
 * desired versions, the phase, binaries staged for the next start) and the counters that name
 * connections and watchers. Connections, watchers, requests in flight, timers and faults armed on
 * client activity live in memory only and die with the process.
 *
 * Plain JSON data: the controller server writes it to its state folder at every change and reads
 * it back on start; the sim takes the same data (through a JSON round trip) from the controller it
 * kills to the one it starts, so both recover through one path (Controller's `recover`).
 */
import type { HistoryRecord } from '../history.ts';
import type { DurableModel } from './model-state.ts';
import type { DurableUnitAgent } from './unit-agents.ts';
import type { DurableUpgrader } from './upgrader.ts';

export interface DurableController {
  bootstrapped: boolean;
  streams: string[];
  model: DurableModel;
  upgrader: DurableUpgrader;
  units: DurableUnitAgent[];
  nextConnId: number;
  nextWatcherId: number;
  stepsCopy?: string[];
  modelStatusKey: string;
}

/** What a controller starting after a crash reads: its durable state, and its own records so far
 *  (which say what was open in memory when it died). */
export interface Recovery {
  state: DurableController;
  records: readonly HistoryRecord[];
}

/** Connections and watchers the records show open: what a crash took with it. */
export function openAtCrash(records: readonly HistoryRecord[]): {
  conns: Map<number, string>;
  watchers: Map<string, { conn: number; client: string }>;
} {
  const conns = new Map<number, string>();
  const watchers = new Map<string, { conn: number; client: string }>();
  for (const r of records) {
    if (r.type === 'conn-open') conns.set(r.conn, r.client);
    else if (r.type === 'conn-close') conns.delete(r.conn);
    else if (r.type === 'watcher-start') watchers.set(r.watcher, { conn: r.conn, client: r.client });
    else if (r.type === 'watcher-stop') watchers.delete(r.watcher);
  }
  return { conns, watchers };
}
