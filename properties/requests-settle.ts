import type { History, RecordOf } from '../harness/history.ts';
import { formatMs } from '../harness/plan.ts';
import { ClientKeys, type ClientKey } from './common.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';

const NAME = 'requests-settle';

const READS = new Selection(['quiescence', 'call', 'return', 'client-conn', 'invoke', 'ok', 'fail', 'info']);

/**
 * requests-settle: every request gets a response or a definite failure within its deadline, and
 * nothing is pending at quiescence. Client-side `call` records are matched with `return` records
 * by (client, call); any outcome (ok, error, closed, timeout) settles a call.
 * - A call with `longPoll: false` must return within `params.requestDeadlineMs` (inclusive) of the
 *   call. A later return is a violation at the deadline; no return at all is a violation at the
 *   deadline, or at the end of the history if that comes first.
 * - A call with `longPoll: true` (AllWatcher.Next legitimately waits for changes) has no deadline,
 *   but if the client closed its connection (a `client-conn` record, same client and conn, state
 *   'closed', after the call), the call must have returned by the end: a request left hanging on a
 *   dead connection is a violation (at the end). A long poll pending on a connection still open at
 *   the end is fine.
 * - Every client `invoke` must have a matching `ok` / `fail` / `info` (same client and op) by the
 *   end; otherwise "operation still pending at quiescence", at the end.
 * A slow link (plan.ts `slow`) excuses nothing here: a call its delay carries past the request
 * deadline is settled by the client's own timeout (`return` timeout), as a correct client's is; one
 * that waits on is the client hanging on a call, whoever made the call slow.
 * Violations come sorted by time. Each but the long poll's carries the window of the deadline that
 * decided it (Violation.since): from the call, or, for what was still pending at the end, from
 * the call or op, or the quiescence record if that came first (the closing wait is bounded by a
 * deadline too, targets/closing.ts).
 */
export const requestsSettle: Property = {
  name: NAME,
  timed: true,
  summary: 'every request returns or fails within its deadline; nothing is pending at quiescence',
  check(history: History): Violation[] {
    const index = HistoryIndex.of(history);
    const deadline = index.params.requestDeadlineMs;
    const violations: Violation[] = [];
    const keys = new ClientKeys();
    const calls = new PendingCalls(); // pending calls -> their places in `records`
    const closedAt = new Map<ClientKey, number>(); // (client, conn) -> place of its last client-side close
    const ops = new Map<ClientKey, RecordOf<'invoke'>>(); // pending operations

    let closingFrom = Infinity; // the quiescence record's time: the closing wait's deadline starts there
    const records = index.select(READS);
    for (let at = 0; at < records.length; at++) {
      const r = records[at]!;
      switch (r.type) {
        case 'quiescence':
          closingFrom = r.t;
          break;
        case 'call':
          calls.set(keys.key(r.client, r.call), at);
          break;
        case 'return': {
          const pending = calls.take(keys.key(r.client, r.call));
          if (pending === undefined) break;
          const call = records[pending] as RecordOf<'call'>;
          if (!call.longPoll && r.t - call.t > deadline) {
            violations.push({
              property: NAME,
              t: call.t + deadline,
              since: call.t,
              client: call.client,
              message: `${describe(call)} returned ${r.outcome} after ${formatMs(r.t - call.t)}, deadline ${formatMs(deadline)}`,
            });
          }
          break;
        }
        case 'client-conn':
          if (r.state === 'closed') closedAt.set(keys.key(r.client, r.conn), at);
          break;
        case 'invoke':
          ops.set(keys.key(r.client, r.op), r);
          break;
        case 'ok':
        case 'fail':
        case 'info':
          ops.delete(keys.key(r.client, r.op));
          break;
      }
    }

    const end = index.end;
    for (const at of calls.places) {
      const call = records[at] as RecordOf<'call'>;
      if (!call.longPoll) {
        // Ended by the run's end before its own deadline: the closing wait's deadline decided it.
        const t = Math.min(call.t + deadline, end);
        violations.push({
          property: NAME,
          t,
          since: t === end ? Math.min(call.t, closingFrom) : call.t,
          client: call.client,
          message: `${describe(call)} never returned (deadline ${formatMs(deadline)})`,
        });
      } else if ((closedAt.get(keys.key(call.client, call.conn)) ?? -1) > at) {
        violations.push({
          property: NAME,
          t: end,
          client: call.client,
          message: `${describe(call)} long poll left hanging after the client closed conn ${call.conn}`,
        });
      }
    }
    for (const op of ops.values()) {
      violations.push({
        property: NAME,
        t: end,
        since: Math.min(op.t, closingFrom),
        client: op.client,
        message: `${op.client} op ${op.op} (${op.f} ${op.value.app}): operation still pending at quiescence`,
      });
    }
    return violations.sort((a, b) => a.t - b.t);
  },
};

function describe(call: RecordOf<'call'>): string {
  return `${call.facade}.${call.method} (${call.client} call ${call.call}, conn ${call.conn}, at t=${formatMs(call.t)})`;
}

/**
 * The pending calls, keyed by (client, call), in the order a Map would keep them: each key where it
 * was first set while not pending. Not a Map: a Map appends every set and leaves every delete a hole
 * until it rebuilds its table, so the sixty-odd calls of a run rebuilt it every few calls. A run has
 * few calls pending at once (a long poll per watcher, the call in flight), and a return most often
 * answers one of the newest: a list searched from its newest end costs less.
 */
class PendingCalls {
  private readonly keys: ClientKey[] = [];
  /** The place in the records of each pending call, in the order of `keys`. */
  readonly places: number[] = [];

  set(key: ClientKey, at: number): void {
    const i = this.find(key);
    if (i >= 0) this.places[i] = at;
    else {
      this.keys.push(key);
      this.places.push(at);
    }
  }

  /** The place of the pending call with this key, no longer pending; undefined if none. */
  take(key: ClientKey): number | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    const { keys, places } = this;
    const at = places[i];
    // Shifted down by hand: splice would allocate the array of what it removed.
    for (let j = i + 1; j < keys.length; j++) {
      keys[j - 1] = keys[j]!;
      places[j - 1] = places[j]!;
    }
    keys.pop();
    places.pop();
    return at;
  }

  private find(key: ClientKey): number {
    const keys = this.keys;
    for (let i = keys.length - 1; i >= 0; i--) if (keys[i] === key) return i;
    return -1;
  }
}
