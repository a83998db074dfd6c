/**
 * How long each of a history's client calls took to reach the controller: a client-side `call`
 * paired with the controller-side `request` of the same client and method, first come first
 * paired (a connection keeps its order; the test plans lose no call). For the `slow` tests.
 */
import type { History } from '../../harness/history.ts';

export interface OneWay {
  client: string;
  method: string;
  /** When the client sent it, and how long it took to reach the controller (model ms). */
  sentAt: number;
  delayMs: number;
}

export function oneWayDelays(history: History): OneWay[] {
  const sent = new Map<string, number[]>(); // client + method -> times of calls not yet paired
  const out: OneWay[] = [];
  for (const r of history) {
    if (r.type === 'call' && r.method !== 'Login') {
      const key = `${r.client} ${r.facade}.${r.method}`;
      sent.set(key, [...(sent.get(key) ?? []), r.t]);
    }
    if (r.type !== 'request') continue;
    const queue = sent.get(`${r.client} ${r.facade}.${r.method}`);
    const sentAt = queue?.shift();
    if (sentAt !== undefined) out.push({ client: r.client, method: r.method, sentAt, delayMs: r.t - sentAt });
  }
  return out;
}

/** The window of the history's `slow` fault of `client`, from its fault-start and fault-end. */
export function slowWindow(history: History, client: string): { from: number; to: number; latencyMs: number } {
  const start = history.find((r) => r.type === 'fault-start' && r.fault === 'slow' && r.client === client);
  const end = history.find((r) => r.type === 'fault-end' && r.fault === 'slow' && r.client === client);
  if (start?.type !== 'fault-start' || start.fault !== 'slow' || !end) throw new Error(`no slow window of ${client}`);
  return { from: start.t, to: end.t, latencyMs: start.latencyMs };
}
