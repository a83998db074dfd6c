/**
 * One pass over a history for every property: each property that says which record types it
 * reads (Property.reads) gets those records alone, in order, with the run's frame; the others get
 * the whole history. Most records of a run are a client's calls and returns, which only
 * requests-settle reads: the other properties then walk a fraction of the history. Properties that
 * read the same types (the controller's contract reads CONTROLLER_SIDE) share one view, the same
 * array: what they derive from it alike (history-index.ts) is then worked out once.
 */
import type { History, HistoryRecord } from '../harness/history.ts';
import { FRAME_TYPES, type Property } from './property.ts';

/** Where each record type goes for one list of properties: worked out once per list (exploration
 *  judges every case with the same list), not per history. */
interface Routes {
  /** Per property, the index of its view among the partial ones, or -1 for the whole history. */
  slots: number[];
  partialViews: number;
  /** Record type -> the partial views (indices) it goes to. */
  byType: Map<string, number[]>;
}

const ROUTES = new WeakMap<readonly Property[], Routes>();

function routesOf(properties: readonly Property[]): Routes {
  let routes = ROUTES.get(properties);
  if (routes) return routes;
  routes = { slots: [], partialViews: 0, byType: new Map() };
  const viewOf = new Map<string, number>(); // the types a view reads (sorted, joined) -> the view
  for (const property of properties) {
    if (!property.reads) {
      routes.slots.push(-1);
      continue;
    }
    const types = [...property.reads].sort().join(' ');
    const shared = viewOf.get(types);
    if (shared !== undefined) {
      routes.slots.push(shared);
      continue;
    }
    const view = routes.partialViews++;
    viewOf.set(types, view);
    routes.slots.push(view);
    for (const type of [...property.reads, ...FRAME_TYPES]) {
      let to = routes.byType.get(type);
      if (!to) routes.byType.set(type, (to = []));
      if (!to.includes(view)) to.push(view);
    }
  }
  ROUTES.set(properties, routes);
  return routes;
}

/** The history each of `properties` reads, in the same order. */
export function readViews(history: History, properties: readonly Property[]): History[] {
  const { slots, partialViews, byType } = routesOf(properties);
  if (partialViews === 0) return slots.map(() => history);
  const partial: HistoryRecord[][] = [];
  for (let v = 0; v < partialViews; v++) partial.push([]);
  const last = history.length - 1;
  for (let i = 0; i <= last; i++) {
    const r = history[i]!;
    const to = byType.get(r.type);
    if (to) for (const v of to) partial[v]!.push(r);
    // The first and last records frame the run (its start, its end time) for every view.
    if (i === 0 || i === last) for (const view of partial) if (view.at(-1) !== r) view.push(r);
  }
  return slots.map((v) => (v < 0 ? history : partial[v]!));
}
