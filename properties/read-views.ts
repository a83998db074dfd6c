/**
 * One pass over a history for every property: each property that says which record types it
 * reads (Property.reads) gets those records alone, in order, with the run's frame; the others get
 * the whole history. Most records of a run are a client's calls and returns, which only
 * requests-settle reads: the other properties then walk a fraction of the history.
 */
import type { History, HistoryRecord } from '../harness/history.ts';
import { FRAME_TYPES, type Property } from './property.ts';

/** The history each of `properties` reads, in the same order. */
export function readViews(history: History, properties: readonly Property[]): History[] {
  const views: History[] = [];
  /** Record type -> the views (indices into `views`) it goes to. */
  const routes = new Map<string, HistoryRecord[][]>();
  const partial: HistoryRecord[][] = [];
  for (const property of properties) {
    if (!property.reads) {
      views.push(history);
      continue;
    }
    const view: HistoryRecord[] = [];
    views.push(view);
    partial.push(view);
    for (const type of [...property.reads, ...FRAME_TYPES]) {
      let to = routes.get(type);
      if (!to) routes.set(type, (to = []));
      if (!to.includes(view)) to.push(view);
    }
  }
  if (partial.length === 0) return views;
  const last = history.length - 1;
  for (let i = 0; i <= last; i++) {
    const r = history[i]!;
    const to = routes.get(r.type);
    if (to) for (const view of to) view.push(r);
    // The first and last records frame the run (its start, its end time) for every view.
    if (i === 0 || i === last) for (const view of partial) if (view.at(-1) !== r) view.push(r);
  }
  return views;
}
