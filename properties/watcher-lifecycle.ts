import type { History, HistoryRecord, RecordOf } from '../harness/history.ts';
import { isControllerSide } from './common.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';

const NAME = 'watcher-lifecycle';

/** Connections, logins, requests and watchers (a close burst ends at any other controller-side record too). */
const READS = new Selection(['conn-open', 'conn-close', 'login', 'request', 'watcher-start', 'watcher-stop'], {
  places: true,
});

/**
 * watcher-lifecycle (the AllWatcher's contract: a watcher belongs to its connection): every watcher
 * is stopped exactly once, by its client, by its connection closing or by the controller itself
 * (reason 'controller': its multiwatcher died, plan.ts `stop-watcher`), and nothing is served for a
 * stopped watcher or on a closed connection. Read from controller-side records only:
 *
 * - `conn-open` opens connection c, `conn-close` closes it.
 * - `watcher-start` (c, w) makes w live on c; c must be open then.
 * - `watcher-stop` (c, w, reason) needs w live on c (else it was stopped twice, or never started).
 *   With reason 'client' it needs an accepted `request` AllWatcher.Stop naming w (its `watcher`) on
 *   c since w started, at or before the stop. With reason 'connection' c must close with it: the
 *   controller writes a connection's close as one burst, its 'connection' stops and its
 *   `conn-close` in either order with no other controller-side record between (records of the
 *   harness and the clients may interleave on real targets; times may differ by a tick).
 * - A `conn-close` of c owes every watcher still live on c a 'connection' stop in that burst: a
 *   watcher still live on c once the burst is over outlived its connection (violation at the
 *   close's time).
 * - Served: an accepted `request` or an ok `login` on a connection not open (closed, or never
 *   opened); an accepted AllWatcher request (Next, Stop) naming a watcher not live on its connection.
 *
 * One violation per offending record (or per watcher that outlived its connection, at the close's
 * time). Watchers live on connections still open at the end are fine: the run ended. Without
 * controller-side records (an external controller) the property cannot judge: unknown.
 */
export const watcherLifecycle: Property = {
  name: NAME,
  summary: 'every watcher is stopped exactly once (by its client or its connection), nothing served after',
  cannotJudge: (history) => HistoryIndex.of(history).controllerUnseen,
  check(history: History): Violation[] {
    const index = HistoryIndex.of(history);
    const lifecycle = new Lifecycle();
    const { records, at } = index.selectAt(READS);
    for (let i = 0; i < records.length; i++) {
      // A controller-side record the lifecycle does not read came between: it is no part of a burst.
      if (lifecycle.inBurstNow && index.controllerSideBetween(at[i - 1] ?? -1, at[i]!)) lifecycle.endBurst();
      lifecycle.observe(records[i]!);
    }
    lifecycle.endBurst();
    return lifecycle.violations;
  },
};

interface Watcher {
  conn: number;
  live: boolean;
  /** An accepted AllWatcher.Stop named it (since it started). */
  stopAsked: boolean;
}

class Lifecycle {
  readonly violations: Violation[] = [];
  private readonly open = new Set<number>();
  private readonly watchers = new Map<string, Watcher>();
  /** The connection whose close burst is under way: its 'connection' stops so far, and its close. */
  private burst: { conn: number; stops: { watcher: string; t: number }[]; closedAt?: number } | undefined;

  observe(r: HistoryRecord): void {
    if (this.burst && isControllerSide(r) && !this.inBurst(r)) this.endBurst();
    switch (r.type) {
      case 'conn-open':
        this.open.add(r.conn);
        break;
      case 'conn-close':
        this.open.delete(r.conn);
        this.burst ??= { conn: r.conn, stops: [] };
        this.burst.closedAt = r.t;
        break;
      case 'login':
        if (r.ok && !this.open.has(r.conn)) this.add(r.t, `login of ${r.client} accepted on conn ${r.conn}, not open`);
        break;
      case 'request':
        if (r.accepted) this.served(r);
        break;
      case 'watcher-start':
        if (!this.open.has(r.conn)) this.add(r.t, `watcher ${r.watcher} started on conn ${r.conn}, not open`);
        this.watchers.set(r.watcher, { conn: r.conn, live: true, stopAsked: false });
        break;
      case 'watcher-stop':
        this.stopped(r);
        break;
    }
  }

  /** A connection's close burst is under way. */
  get inBurstNow(): boolean {
    return this.burst !== undefined;
  }

  /** A connection's close burst is over: what it owed is now overdue. */
  endBurst(): void {
    const burst = this.burst;
    this.burst = undefined;
    if (!burst) return;
    if (burst.closedAt === undefined) {
      for (const s of burst.stops)
        this.add(s.t, `watcher ${s.watcher} stopped for its connection, but conn ${burst.conn} did not close`);
      return;
    }
    for (const [id, w] of this.watchers) {
      if (w.conn !== burst.conn || !w.live) continue;
      w.live = false; // reported once
      this.add(burst.closedAt, `watcher ${id} outlived conn ${burst.conn}: not stopped when the connection closed`);
    }
  }

  /** Whether a controller-side record belongs to the close burst under way. */
  private inBurst(r: HistoryRecord): boolean {
    const burst = this.burst!;
    if (r.type === 'watcher-stop') return r.conn === burst.conn && r.reason === 'connection';
    return r.type === 'conn-close' && r.conn === burst.conn && burst.closedAt === undefined;
  }

  private served(r: Extract<HistoryRecord, { type: 'request' }>): void {
    if (!this.open.has(r.conn))
      return this.add(r.t, `${callName(r)} from ${r.client} served on conn ${r.conn}, not open`);
    if (r.facade !== 'AllWatcher') return;
    const w = r.watcher !== undefined ? this.watchers.get(r.watcher) : undefined;
    if (!w || !w.live || w.conn !== r.conn) {
      this.add(
        r.t,
        `${callName(r)} from ${r.client} served for watcher ${r.watcher ?? '?'}, not live on conn ${r.conn}`,
      );
    } else if (r.method === 'Stop') w.stopAsked = true;
  }

  private stopped(r: Extract<HistoryRecord, { type: 'watcher-stop' }>): void {
    const w = this.watchers.get(r.watcher);
    if (!w || w.conn !== r.conn)
      return this.add(r.t, `watcher ${r.watcher} stopped on conn ${r.conn}, never started there`);
    if (!w.live) return this.add(r.t, `watcher ${r.watcher} stopped twice (again by ${r.reason})`);
    w.live = false;
    if (r.reason === 'client' && !w.stopAsked)
      this.add(r.t, `watcher ${r.watcher} stopped for its client, which never asked (no accepted AllWatcher.Stop)`);
    if (r.reason !== 'connection') return;
    this.burst ??= { conn: r.conn, stops: [] };
    this.burst.stops.push({ watcher: r.watcher, t: r.t });
  }

  private add(t: number, message: string): void {
    this.violations.push({ property: NAME, t, message });
  }
}

/** "Facade.Method" of a request, for a message (built only when one is needed). */
function callName(r: RecordOf<'request'>): string {
  return `${r.facade}.${r.method}`;
}
