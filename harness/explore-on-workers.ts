/**
 * The sim's exploration with phase one spread over worker threads, and the result of explore()
 * itself: fast-check draws the cases on this thread from the seed as explore() draws them, the
 * workers run them (runs take nearly all the time), and their outcomes are noted in case order
 * (ordered-survey.ts), so the same first failing case of each property is found and phase two
 * shrinks it here exactly as explore() does. A config that cannot travel to a worker (a client
 * profile that is not a built-in one) and a strategy that runs its cases while drawing them
 * (coverage) are explored in-process.
 */
import type { RunConfig } from './run-config.ts';
import { caseSource } from './strategies/index.ts';
import type { ExploreOptions, ExploreResult } from './explore-result.ts';
import { Tally } from './tally.ts';
import { explore, shrinkFound } from './explore.ts';
import { orderedSurvey } from './ordered-survey.ts';
import { caseOptionsOf } from './runner.ts';
import type { SimPool } from './workers/sim-pool.ts';

export async function exploreOnWorkers(
  pool: SimPool,
  config: RunConfig,
  options: ExploreOptions,
): Promise<ExploreResult> {
  const source = caseSource(config, options);
  // A strategy that steers by coverage runs its cases itself, while drawing them: nothing to spread.
  const runner = source.resultOf ? undefined : pool.runner(config, caseOptionsOf(options));
  if (!runner) return explore(config, options);
  const tally = new Tally(config, options);
  const details = await orderedSurvey(source, tally.checkParams(source), runner, pool.inFlight, ([plan], outcome) =>
    tally.noteOutcome(plan, outcome),
  );
  tally.checkDetails(details);
  return shrinkFound(config, source, options, tally);
}
