/**
 * One history from two recorders: the harness's (run, plan events, faults, client operations and
 * calls) and the controller's (versions, upgrades, connections, requests, hooks), both stamped on
 * the same time zero. Records are ordered by time; each side keeps its own order; on a tie the
 * controller's record comes first (the controller acts before the harness hears of it). run-start
 * stays first and the closing records (client views, final model, run-end) stay last, as the sim
 * writes them, so the same properties judge both.
 */
import type { HistoryRecord } from '../../history.ts';

const CLOSING: ReadonlySet<HistoryRecord['type']> = new Set(['client-view', 'final-model', 'run-end']);

export function mergeHistories(local: readonly HistoryRecord[], controller: readonly HistoryRecord[]): HistoryRecord[] {
  const [start, ...rest] = local;
  if (start?.type !== 'run-start') throw new Error('the harness history must begin with run-start');
  const closingAt = rest.findIndex((r) => CLOSING.has(r.type));
  const body = closingAt < 0 ? rest : rest.slice(0, closingAt);
  const closing = closingAt < 0 ? [] : rest.slice(closingAt);

  const merged: HistoryRecord[] = [start];
  let i = 0;
  let j = 0;
  while (i < body.length || j < controller.length) {
    const a = body[i];
    const b = controller[j];
    if (b !== undefined && (a === undefined || b.t <= a.t)) {
      merged.push(b);
      j++;
    } else if (a !== undefined) {
      merged.push(a);
      i++;
    }
  }
  let last = merged.at(-1)?.t ?? start.t;
  for (const r of closing) {
    last = Math.max(last, r.t);
    merged.push({ ...r, t: last });
  }
  return merged;
}
