/**
 * How a client's view of the model differs from the controller's model: the comparison behind the
 * quiescence rule of watchers-resume. Only application names, unit names and unit workload status
 * strings are compared; key order does not matter.
 */
import type { ModelView } from '../harness/history.ts';

export interface ViewDiff {
  /** In the model, not in the view: "app X" or "unit X/n" (units of a missing app are not listed again). */
  missing: string[];
  /** In the view, not in the model (a view not reset on reconnect keeps these). */
  ghost: string[];
  /** Units in both whose status differs: "X/n: view maintenance, model active". */
  stale: string[];
}

export function diffViews(model: ModelView, view: ModelView): ViewDiff {
  const diff: ViewDiff = { missing: [], ghost: [], stale: [] };
  const modelApps = model.applications;
  const viewApps = view.applications;
  for (const [app, { units }] of Object.entries(modelApps)) {
    // Object.hasOwn, not `in`: an app called "constructor" must not match Object.prototype.
    if (!Object.hasOwn(viewApps, app)) {
      diff.missing.push(`app ${app}`);
      continue;
    }
    const viewUnits = viewApps[app]!.units;
    for (const [unit, status] of Object.entries(units)) {
      if (!Object.hasOwn(viewUnits, unit)) diff.missing.push(`unit ${unit}`);
      else if (viewUnits[unit] !== status) diff.stale.push(`${unit}: view ${viewUnits[unit]}, model ${status}`);
    }
    for (const unit of Object.keys(viewUnits)) {
      if (!Object.hasOwn(units, unit)) diff.ghost.push(`unit ${unit}`);
    }
  }
  for (const app of Object.keys(viewApps)) {
    if (!Object.hasOwn(modelApps, app)) diff.ghost.push(`app ${app}`);
  }
  return diff;
}

export function isEmptyDiff(diff: ViewDiff): boolean {
  return diff.missing.length === 0 && diff.ghost.length === 0 && diff.stale.length === 0;
}

/** "missing: app a, unit b/0; ghost: unit c/1; stale: d/0: view waiting, model active" (empty parts left out). */
export function formatDiff(diff: ViewDiff): string {
  const parts: string[] = [];
  if (diff.missing.length > 0) parts.push(`missing: ${diff.missing.join(', ')}`);
  if (diff.ghost.length > 0) parts.push(`ghost: ${diff.ghost.join(', ')}`);
  if (diff.stale.length > 0) parts.push(`stale: ${diff.stale.join(', ')}`);
  return parts.join('; ');
}
