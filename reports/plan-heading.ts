/**
 * How a failure's plan is introduced, in every report that shows one (console, `show`, report.html,
 * JUnit): "Shrunk plan (3 events, from 11; sim seed 7)", "Partly shrunk plan (6 events, from 11;
 * shrinking stopped after 30 s at 6 of 11 events; ...)" or "Plan, not shrunk (...)". One function of
 * plain facts, so a failure, its failure.json and its summary entry all say the same.
 */
import { count } from '../harness/plural.ts';
import type { FailureRecord } from '../harness/failure-record.ts';

export interface ShrinkFacts {
  shrunkOn: 'sim' | 'sim-then-target' | 'target' | 'none';
  /** Events in the plan first found, and in the plan shown. */
  events: number;
  shrunkEvents: number;
  simSeed: number;
  /** Set (on the target) when the case found was not seen to fail again while shrinking. */
  reproduced?: { runs: number; failed: number } | undefined;
  /** Set when shrinking ran out of its time budget: "shrinking stopped after 30 s at ...". */
  shrinkStopped?: string | undefined;
}

/** The plan's heading, without a trailing colon. */
export function planHeading(f: ShrinkFacts): string {
  const stopped = f.shrinkStopped;
  // A replay, a corpus entry or an interrupted run was not shrunk; nor was a case shrinking on the
  // target never saw fail again.
  if (f.shrunkOn === 'none' || (f.shrunkOn === 'target' && f.reproduced && stopped === undefined))
    return `Plan, not shrunk (${count(f.shrunkEvents, 'event')}; sim seed ${f.simSeed})`;
  if (stopped === undefined)
    return `Shrunk plan (${count(f.shrunkEvents, 'event')}, from ${f.events}; sim seed ${f.simSeed})`;
  const what =
    f.shrunkEvents < f.events
      ? `Partly shrunk plan (${count(f.shrunkEvents, 'event')}, from ${f.events}`
      : `Plan, not shrunk (${count(f.shrunkEvents, 'event')}`;
  return `${what}; ${stopped}; sim seed ${f.simSeed})`;
}

/** "shrunk on target", or "partly shrunk on target" when its time budget cut shrinking short. */
export function shrunkOnPhrase(f: Pick<ShrinkFacts, 'shrunkOn' | 'shrinkStopped'>): string {
  return `${f.shrinkStopped !== undefined ? 'partly shrunk' : 'shrunk'} on ${f.shrunkOn}`;
}

/** What a saved failure.json says of its shrinking (its plan is the one shown). */
export function shrinkFactsOfRecord(r: FailureRecord): ShrinkFacts {
  return {
    shrunkOn: r.shrunkOn,
    events: r.events,
    shrunkEvents: r.plan.length,
    simSeed: r.simSeed,
    reproduced: r.reproduced,
    shrinkStopped: r.shrinkStopped?.message,
  };
}
