/**
 * A property is a named invariant over a history: a pure function history -> violations. It never
 * touches a target, so the same property judges the sim, a process, a container or a lab controller.
 *
 * Writing one: `check(history)` returns the violations ([] = nothing violated). A property that
 * needs something a history may lack (a run that reached quiescence, a final model) also gives
 * `cannotJudge(history)`: why it could not judge that history, or undefined when it could. Then:
 * violations found -> violated (violations win, even if part of the property could not judge);
 * none, and cannotJudge gives a reason -> unknown; otherwise held. Without cannotJudge a property
 * always judges (most do). A crash in `check` is a bug in the property and stops the run (no
 * Jepsen check-safe).
 *
 * Reading results: `judge` (or `judgeProperties` in index.ts) gives a PropertyResult, held /
 * violated / unknown; `checkProperties` keeps returning the violations alone.
 */
import type { History } from '../harness/history.ts';
import { stalledPastBudget, stalledWindow, windowStallLoad } from './stall.ts';

export const PROPERTY_NAMES = [
  'no-work-before-upgrade',
  'watchers-resume',
  'deployments-complete',
  'requests-settle',
  'version-as-tested',
  'no-surprise-upgrade',
  'no-lost-work',
  // The controller's own contract: what a team pointing the harness at its controller needs.
  'watcher-lifecycle',
  'agent-lifecycle',
  'upgrade-sequence',
  // The clients' contract: what every client owes a controller that restarts under it.
  'reconnect-backoff',
  'apps-as-asked',
  'charm-as-asked',
] as const;

export type PropertyName = (typeof PROPERTY_NAMES)[number];

/**
 * Whose behaviour decides each property's verdict: the controller's alone, the client's alone, or
 * both (the controller accepts work mid-upgrade, leaves interrupted units in error or loses what
 * it acknowledged, whatever a client does; a client may still avoid or cause the same). A user's
 * --client-cmd program replaces a scenario's client, not its controller: what the scenario expects
 * of its controller still stands, what it expects of its own client does not (reports/expectation.ts).
 */
export const PROPERTY_JUDGES: Record<PropertyName, 'controller' | 'client' | 'both'> = {
  'no-work-before-upgrade': 'both',
  'watchers-resume': 'client',
  'deployments-complete': 'both',
  'requests-settle': 'client',
  'version-as-tested': 'controller',
  'no-surprise-upgrade': 'controller',
  'no-lost-work': 'both',
  'watcher-lifecycle': 'controller',
  'agent-lifecycle': 'controller',
  'upgrade-sequence': 'controller',
  'reconnect-backoff': 'client',
  'apps-as-asked': 'client',
  'charm-as-asked': 'client',
};

export interface Violation {
  property: PropertyName;
  /** When the violation happened (or became certain), in the history's time. */
  t: number;
  message: string;
  client?: string;
  /**
   * For a violation a deadline decided (a watcher not back, a request not answered in time): when
   * the deadline's window opened, in the history's time; `t` is when it ran out. On a real target,
   * judge() calls such a violation unknown when the run stalled more than its budget within that
   * window (stall.ts): the lateness may be a starved harness's, not the client's or controller's.
   */
  since?: number;
  /**
   * Set when nothing on the controller's side can cause the violation: it holds the client's own
   * reports against what the controller had done (a success reported before the controller had it,
   * a deploy still pending when the same client reported its removal done). A --client-cmd program
   * is then certainly at fault, even where the scenario expects its controller to violate the
   * property (reports/summary.ts mismatchesOf). Absent: the controller may have caused it (an app
   * absent from the final model, units left in error, a deploy refused or never answered), and the
   * history cannot tell whose doing it is.
   */
  clientOnly?: true;
}

export interface Property {
  name: PropertyName;
  /** One line, for `upgrade-chaos scenarios` and reports. */
  summary: string;
  /** The violations ([] = nothing violated). */
  check(history: History): Violation[];
  /** Why this history cannot be judged (the result is then unknown unless check found violations),
   *  or undefined when it can. Absent: the property judges every history. */
  cannotJudge?(history: History): string | undefined;
  /**
   * The windows [from, to] (model ms) of the deadlines that decided something in this history besides
   * its violations' (Violation.since): deployments-complete's deploys that their deadline ended,
   * judged or left out for a stall. Only the stall load reads them (StallLoad). Absent: none.
   */
  deadlineWindows?(history: History): Iterable<readonly [number, number]>;
  /**
   * The property judges deadlines in model time (a request unanswered, a watcher not back, a deploy
   * not done in time). On a real target a deadline whose window the harness or controller stalled
   * in for more than the stall budget (stall.ts) cannot tell a late answer from a missing one: its
   * violation (Violation.since) is unknown. A history that knows only its longest stall is
   * unknown for this property, violations or not, when that stall passed the budget.
   */
  timed?: boolean;
}

/** What a property said of one history. */
export type PropertyResult =
  | { property: PropertyName; verdict: 'held' }
  | { property: PropertyName; verdict: 'violated'; violations: Violation[] }
  | { property: PropertyName; verdict: 'unknown'; reason: string };

export type PropertyVerdict = PropertyResult['verdict'];

/** A property that could not judge a history, and why. */
export type UnknownResult = Extract<PropertyResult, { verdict: 'unknown' }>;

/**
 * The most of its stall budget (stall.ts windowStallLoad) that any deadline which decided something
 * in a run used, over the properties that judged it: past 1, that deadline was not judged. Back-
 * pressure on a real target's runs in flight follows it (harness/stall-backoff.ts).
 */
export interface StallLoad {
  max: number;
}

/** Runs one property over a history; with `load`, raises it to what this property's deadlines used. */
export function judge(property: Property, history: History, load?: StallLoad): PropertyResult {
  const stalled = property.timed ? stalledPastBudget(history) : undefined;
  if (stalled !== undefined) return { property: property.name, verdict: 'unknown', reason: stalled };
  const found = property.check(history);
  if (load) noteStallLoad(load, property, history, found);
  const { violations, unjudged } = setAsideStalled(history, found);
  if (violations.length > 0) return { property: property.name, verdict: 'violated', violations };
  const reason = unjudged ?? property.cannotJudge?.(history);
  if (reason !== undefined) return { property: property.name, verdict: 'unknown', reason };
  return { property: property.name, verdict: 'held' };
}

/** Raises `load` to the stall load of each deadline window the property decided something on:
 *  its violations' (set aside or not) and its other deadlines' (Property.deadlineWindows). */
function noteStallLoad(load: StallLoad, property: Property, history: History, found: readonly Violation[]): void {
  for (const v of found)
    if (v.since !== undefined) load.max = Math.max(load.max, windowStallLoad(history, v.since, v.t));
  for (const [from, to] of property.deadlineWindows?.(history) ?? [])
    load.max = Math.max(load.max, windowStallLoad(history, from, to));
}

/** The violations whose deadline window stalled past its budget set aside (stall.ts), with why the
 *  first of them could not be judged: the others stand, and any one of them makes the run violated. */
function setAsideStalled(history: History, found: Violation[]): { violations: Violation[]; unjudged?: string } {
  if (found.length === 0) return { violations: found }; // most properties, most runs
  let unjudged: string | undefined;
  const violations = found.filter((v) => {
    const why = v.since === undefined ? undefined : stalledWindow(history, v.since, v.t);
    unjudged ??= why;
    return why === undefined;
  });
  return unjudged === undefined ? { violations } : { violations, unjudged };
}

export function isPropertyName(name: string): name is PropertyName {
  return (PROPERTY_NAMES as readonly string[]).includes(name);
}
