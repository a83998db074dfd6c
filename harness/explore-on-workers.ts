/**
 * The sim's exploration with phase one spread over worker threads, and the result of explore()
 * itself: fast-check draws the cases on this thread from the seed as explore() draws them, the
 * workers run them (runs take nearly all the time), and their outcomes are noted in case order
 * (ordered-survey.ts), so the same first failing case of each property is found and phase two
 * shrinks it here exactly as explore() does. With --shard, cases of other shards are drawn (to keep
 * the sequence) but never sent to a worker. An interrupt stops the survey between cases, as in
 * exploreAsync (the main thread only waits here, so it notices at once). A config that cannot travel to a worker (a client
 * profile that is not a built-in one) and a strategy that runs its cases while drawing them
 * (coverage) are explored in-process.
 */
import type { RunConfig } from './run-config.ts';
import { caseSource } from './strategies/index.ts';
import type { ExploreOptions, ExploreResult } from './explore-result.ts';
import { Tally } from './tally.ts';
import { exploreAsync, shrinkFound } from './explore.ts';
import { orderedSurvey, type CaseRunner } from './ordered-survey.ts';
import { caseOptionsOf, type CaseOutcome } from './runner.ts';
import type { SimPool } from './workers/sim-pool.ts';

/** A case this shard ran: its index and outcome; or nothing, when it is another shard's. */
type Taken = { index: number; outcome: CaseOutcome } | undefined;

export async function exploreOnWorkers(
  pool: SimPool,
  config: RunConfig,
  options: ExploreOptions,
): Promise<ExploreResult> {
  const source = caseSource(config, options);
  // A strategy that steers by coverage runs its cases itself, while drawing them: nothing to spread.
  const runner = source.resultOf ? undefined : pool.runner(config, caseOptionsOf(options));
  if (!runner) return exploreAsync(config, options);
  const tally = new Tally(config, options);
  if (tally.stopReason() !== undefined) return shrinkFound(config, source, options, tally);
  const sharded: CaseRunner<Taken> = {
    start: (c, index) =>
      tally.owns(index) ? runner.start(c, index).then((outcome) => ({ index, outcome })) : Promise.resolve(undefined),
    flush: () => runner.flush?.(),
  };
  const details = await orderedSurvey(source, tally.checkParams(source), {
    runner: sharded,
    inFlight: pool.inFlight,
    note: (c, taken) => {
      if (taken === undefined) return true; // another shard's case
      tally.stopped ??= tally.stopReason(); // an interrupt that came while this thread waited
      return tally.stopped === undefined && tally.noteOutcome(taken.index, c, taken.outcome);
    },
  });
  tally.checkDetails(details);
  return shrinkFound(config, source, options, tally);
}
