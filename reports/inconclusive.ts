/**
 * A run shows a property holds only by judging it. A property that could be judged in NO run of a
 * scenario (unknown in every one: each run stalled, or a --client-cmd program that never logged in
 * left nothing to judge) is no evidence at all, so the run cannot PASS: it is INCONCLUSIVE, exit 1,
 * as `qualify` and expectation-judged runs already count unknown as not matching `held` (trial 11: a
 * python-libjuju program dialling wss:// at a ws:// controller deployed nothing and a nightly job went
 * green). Properties the target can never judge (an external controller's records) are left out:
 * their line says so, and they would make every external run inconclusive.
 */
import { notObservedOnTarget } from '../properties/common.ts';
import type { PropertyOutcome } from '../harness/explore-result.ts';
import type { PropertyName } from '../properties/property.ts';

/**
 * Whether a client program (--client-cmd, or a scenario's own) was started in none of `runs` runs:
 * it starts at a plan's first deploy, and plans without one tested the controller alone (trial 12:
 * a PASS on one run whose plan had no deploy). That is no evidence about the program: INCONCLUSIVE.
 */
export function programRanInNoRun(programRuns: number | undefined, runs: number): boolean {
  return programRuns === 0 && runs > 0;
}

/** The properties unknown in every one of `runs` runs (none when no run completed). */
export function judgedInNoRun(outcomes: readonly PropertyOutcome[], runs: number): PropertyName[] {
  if (runs === 0) return [];
  return outcomes
    .filter((o) => o.verdict === 'unknown' && o.unknownRuns === runs && !notObservedOnTarget(o.unknownReason))
    .map((o) => o.property);
}
