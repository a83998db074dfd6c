/**
 * A client's picture of the model, built from AllWatcher deltas. A new watcher's first Next is a
 * full snapshot that carries no `remove` for what vanished meanwhile, so a client that does not
 * reset its view on a new snapshot keeps ghosts.
 */
import type { ModelView } from '../history.ts';

type Entity = Record<string, unknown>;

export class WatcherView {
  private apps = new Map<string, Map<string, string>>();

  /** ignoreRemovals plants a bug (tests and the bench only): `remove` deltas are dropped. */
  constructor(private readonly options: { ignoreRemovals?: boolean } = {}) {}

  reset(): void {
    this.apps = new Map();
  }

  /** Applies one Next's deltas; returns the applications they removed (none: undefined). */
  apply(deltas: unknown): Set<string> | undefined {
    if (!Array.isArray(deltas)) return undefined;
    let removed: Set<string> | undefined;
    for (const delta of deltas) {
      if (!Array.isArray(delta) || delta.length < 3) continue;
      // Read by index: destructuring went through the array iterator for every delta.
      const kind = delta[0] as string;
      const change = delta[1] as string;
      const entity = delta[2] as Entity;
      if (change === 'remove' && this.options.ignoreRemovals) continue;
      if (kind === 'application') {
        this.applyApplication(change, entity);
        if (change === 'remove') (removed ??= new Set()).add(String(entity['name']));
      } else if (kind === 'unit') this.applyUnit(change, entity);
    }
    return removed;
  }

  /** Workload statuses of an application's units, or undefined if the view has no such app. */
  units(app: string): ReadonlyMap<string, string> | undefined {
    return this.apps.get(app);
  }

  snapshot(): ModelView {
    const applications: ModelView['applications'] = {};
    for (const [name, units] of this.apps) {
      // A plain loop, not Object.fromEntries: the same object, at a fraction of the cost.
      const copy: Record<string, string> = {};
      for (const [unit, status] of units) copy[unit] = status;
      applications[name] = { units: copy };
    }
    return { applications };
  }

  private applyApplication(change: string, e: Entity): void {
    const name = String(e['name']);
    if (change === 'remove') this.apps.delete(name);
    else if (!this.apps.has(name)) this.apps.set(name, new Map());
  }

  private applyUnit(change: string, e: Entity): void {
    const app = String(e['application']);
    const name = String(e['name']);
    if (change === 'remove') {
      this.apps.get(app)?.delete(name);
      return;
    }
    let units = this.apps.get(app);
    if (!units) this.apps.set(app, (units = new Map()));
    const workload = e['workload-status'] as { current?: unknown } | undefined;
    units.set(name, String(workload?.current ?? 'unknown'));
  }
}
