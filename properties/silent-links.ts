/**
 * How long each client was cut off by a link gone half-open (plan.ts `half-open`): the controller's
 * end is reset, the client's stays open and hears nothing, not even a close. The client can learn
 * that only by a timer of its own (a login or call timeout, an unanswered ping), so until it does,
 * the controller is as unreachable for it as through a partition: watchers-resume does not count
 * that time against it.
 *
 * A silent span starts at an applied `half-open` event of the client and ends at the first sign that
 * the client gave the link up: it closed a connection of its own (`client-conn` closed: a built-in
 * client records it when its timer fires), or it dialled again (`conn-open` or `conn-refused`: the
 * only sign a `--client-cmd` program gives, its backoff included). A client that gives no sign is
 * excused nothing: it never noticed, which is the bug. A span lasts at most `capMs`: the property
 * cannot know a program's timers, and a client that waits longer than the request deadline for an
 * answer is wrong anyway (requests-settle), so that deadline bounds every client's excuse alike.
 */
import type { History, RecordType } from '../harness/history.ts';
import { clientName } from '../harness/plan.ts';

/** [from, to] in model ms, from < to. */
export type Span = readonly [from: number, to: number];

/** The record types silentSpans reads (watchers-resume selects them). */
export const SILENT_LINK_READS: readonly RecordType[] = ['event', 'client-conn', 'conn-open', 'conn-refused'];

/** Client -> its silent spans, in time order, overlapping ones merged. */
export function silentSpans(history: History, capMs: number): Map<string, Span[]> {
  const spans = new Map<string, Span[]>();
  const silentSince = new Map<string, number>(); // client -> when its link went half-open, not yet given up
  const giveUp = (client: string, t: number): void => {
    const from = silentSince.get(client);
    if (from === undefined) return;
    silentSince.delete(client);
    addSpan(spans, client, from, Math.min(t, from + capMs));
  };
  for (const r of history) {
    if (r.type === 'event') {
      if (r.applied && r.event.kind === 'half-open') {
        const client = clientName(r.event.client);
        if (!silentSince.has(client)) silentSince.set(client, r.t); // a second one changes nothing until a sign
      }
    } else if (
      r.type === 'conn-open' ||
      r.type === 'conn-refused' ||
      (r.type === 'client-conn' && r.state === 'closed')
    ) {
      giveUp(r.client, r.t);
    }
  }
  return spans;
}

function addSpan(spans: Map<string, Span[]>, client: string, from: number, to: number): void {
  if (to <= from) return;
  let list = spans.get(client);
  if (!list) spans.set(client, (list = []));
  const last = list[list.length - 1];
  if (last !== undefined && from <= last[1]) list[list.length - 1] = [last[0], Math.max(last[1], to)];
  else list.push([from, to]);
}

/** How much of [from, to] lies outside `spans`. */
export function outsideSpans(spans: readonly Span[] | undefined, from: number, to: number): number {
  let inside = 0;
  for (const [a, b] of spans ?? []) inside += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return to - from - inside;
}

/** The instant in [from, ...) at which `ms` of time outside `spans` has passed since `from`. */
export function instantOutsideSpans(spans: readonly Span[] | undefined, from: number, ms: number): number {
  let t = from;
  let left = ms;
  for (const [a, b] of spans ?? []) {
    if (b <= t) continue;
    if (a - t >= left) break;
    left -= Math.max(0, a - t);
    t = Math.max(t, b);
  }
  return t + left;
}
