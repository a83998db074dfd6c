/**
 * How an observed verdict meets the scenario's expected one: one judgement for every report (the
 * console, summary.json, JUnit, the matrix, qualification.md, report.html), so none of them can
 * disagree. A shard (`--shard i/n`) ran only a slice of the cases: an expected violation it did not
 * see may well be in another shard's slice, so there it is "not found in this shard", which does not
 * fail the shard; `report merge` judges every expectation over all the shards' runs together, as
 * the unsharded run would, and an expected violation no shard found fails the merge.
 */
import type { Verdict } from '../harness/scenario.ts';
import { PROPERTY_JUDGES, type PropertyName, type PropertyVerdict } from '../properties/property.ts';

export type Judgement = 'as-expected' | 'differs' | 'not-in-shard';

/**
 * How a run is judged. `properties` (run --scenario, replay): any violation fails. `expectations`
 * (a corpus run, qualify): each verdict is compared with the scenario's. `client-command` (run
 * --scenario with --client-cmd): the user's program replaces the scenario's client, so what the
 * scenario expects of its own client says nothing of it: a property that judges the client, or the
 * client and the controller together, must hold; one that judges the controller alone keeps the
 * scenario's expectation, so its expected violation is the scenario's controller doing what the
 * scenario is about (Juju 1.22 upgrading itself unasked), not the program's failure. An expected
 * violation not seen is no failure either: a careful client may avoid it.
 */
export type Judged = 'properties' | 'expectations' | 'client-command';

/** Whether a violation of `property` is one the scenario expects of its controller (client-command).
 *  Only properties that judge the controller alone: a violation of one that judges both (a deploy
 *  that never completed) may be the program's own doing, a program that gives up included, and
 *  nothing in the history tells the two apart, so it is not excused. */
export function expectedOfController(property: PropertyName, expected: Verdict | undefined): boolean {
  return PROPERTY_JUDGES[property] === 'controller' && expected === 'violated';
}

/** A property's judgement as the run is judged (see Judged): the one rule every report applies. */
export function judgeOutcome(
  judged: Judged,
  property: PropertyName,
  expected: Verdict | undefined,
  observed: PropertyVerdict,
  sharded: boolean,
): Judgement {
  if (judged === 'expectations') return judgeExpectation(expected, observed, sharded);
  if (judged === 'client-command' && expectedOfController(property, expected)) return 'as-expected';
  return observed === 'violated' ? 'differs' : 'as-expected';
}

export function judgeExpectation(
  expected: Verdict | undefined,
  observed: PropertyVerdict,
  sharded: boolean,
): Judgement {
  if (expected === undefined || expected === observed) return 'as-expected';
  // Held, or unknown (some run could not be judged): either way this shard saw no violation.
  if (sharded && expected === 'violated' && observed !== 'violated') return 'not-in-shard';
  return 'differs';
}

/** The mark each judgement gets in a matrix. */
export const MARKS: Record<Judgement, string> = { 'as-expected': '✓', differs: '✗', 'not-in-shard': '~' };

/** What a report says of a `not-in-shard` judgement. */
export const NOT_IN_SHARD = 'expected violation not found in this shard (report merge judges all shards together)';

/** What a report says of an expected violation that no run showed: a regression, unless the runs
 *  were too few to reach it (some scenarios first show theirs after dozens of runs). */
export const unexpectedPass = (runs: number): string =>
  `an unexpected pass is a regression too, unless ${runs} ${runs === 1 ? 'run is' : 'runs are'} too few to reach it: try more --runs`;
