/**
 * The sim's exploration with phase one spread over worker threads, and the result of explore()
 * itself. The main thread hands out ranges of case indexes; each worker draws the cases of its
 * ranges from the seed exactly as explore()'s fast-check survey draws them (case-drawer.ts), runs
 * them and answers with what each violated. Answers are noted here in case order, so the same
 * first failing case of each property is found, and phase two shrinks it on this thread exactly
 * as explore() does. The main thread draws nothing and sends a few numbers per range: the workers
 * get the cores. With --shard, a range holds a shard's worth of this shard's cases; a worker only
 * jumps over the others'. An interrupt stops the survey at once: the answers noted are kept and
 * the ranges still running are left to finish unread. A config that cannot travel to a worker (a
 * client profile that is not a built-in one) and a strategy that runs its cases while drawing them
 * (coverage) are explored in-process.
 */
import type { RunConfig } from './run-config.ts';
import { caseSource } from './strategies/index.ts';
import type { ExploreOptions, ExploreResult } from './explore-result.ts';
import { Tally } from './tally.ts';
import { exploreAsync, shrinkFound } from './explore.ts';
import type { CaseOutcome } from './runner.ts';
import { shipOptions, type RangeAnswer } from './workers/messages.ts';
import { rebuildError, type SimPool } from './workers/sim-pool.ts';

/** This shard's cases per range: a few tens of milliseconds of runs (a case takes about 0.1 to
 *  0.5 ms), so a message costs nothing next to them and an exploration of a few thousand cases
 *  still spreads over every worker. */
const RANGE_CASES = 128;

/** The fewest cases a range holds near the end of the survey (rangeCases). */
const MIN_RANGE_CASES = 8;

/** This shard's cases in the next range when `left` are left to send: RANGE_CASES, then less
 *  near the end (a quarter of each worker's share of what is left), so that the workers finish
 *  together rather than one running its last two full ranges while the others wait. */
function rangeCases(left: number, workers: number): number {
  return Math.max(MIN_RANGE_CASES, Math.min(RANGE_CASES, Math.ceil(left / (4 * workers))));
}

/** Ranges answered and not yet noted, per worker, at most: when one worker lags (a busy core),
 *  the others run ahead this far and then wait for it. */
const AHEAD_PER_WORKER = 8;

/** A range sent: its indexes and, once it came, its answer. */
interface Sent {
  from: number;
  to: number;
  answer?: RangeAnswer;
}

export async function exploreOnWorkers(
  pool: SimPool,
  config: RunConfig,
  options: ExploreOptions,
): Promise<ExploreResult> {
  const source = caseSource(config, options);
  // A strategy that steers by coverage runs its cases itself, while drawing them: nothing to spread.
  if (source.resultOf || !pool.canRun(config)) return exploreAsync(config, options);
  const tally = new Tally(config, options);
  const planned = tally.begin(source);
  if (tally.stopReason() === undefined) {
    const survey = pool.openSurvey(config, shipOptions(options));
    try {
      await surveyRanges(pool, survey, tally, planned, options);
    } finally {
      pool.endSurvey(survey);
    }
  }
  return shrinkFound(config, source, options, tally);
}

/** Phase one: ranges out to the workers while they have room, answers noted in case order, until
 *  every case is noted or the tally says stop (all violated, time limit, interrupt). */
async function surveyRanges(
  pool: SimPool,
  survey: number,
  tally: Tally,
  planned: number,
  options: ExploreOptions,
): Promise<void> {
  const shards = options.shard?.count ?? 1;
  const sent: Sent[] = []; // in case order, not yet noted
  let next = 0;
  let wake: (() => void) | undefined;
  const onAbort = (): void => wake?.();
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      while (next < planned && sent.length < pool.size * AHEAD_PER_WORKER && tally.stopReason() === undefined) {
        const to = Math.min(planned, next + shards * rangeCases(Math.ceil((planned - next) / shards), pool.size));
        const answer = pool.sendRange(survey, next, to);
        if (!answer) break;
        const range: Sent = { from: next, to };
        void answer.then((a) => {
          range.answer = a;
          wake?.();
        });
        sent.push(range);
        next = to;
      }
      tally.stopped ??= tally.stopReason(); // an interrupt or the time limit, while this thread waited
      const oldest = sent[0];
      if (tally.stopped !== undefined || (!oldest && next >= planned)) return;
      if (!oldest?.answer) {
        // Wait for the oldest range, or (none sent: the workers still run an earlier survey's
        // last ranges) for room on a worker; an interrupt wakes this too.
        await new Promise<void>((resolve) => {
          wake = resolve;
          void pool.nextAnswer().then(resolve);
        });
        wake = undefined;
        continue;
      }
      sent.shift();
      if (!noteRange(tally, oldest.from, oldest.to, oldest.answer)) return;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

const NOTHING: CaseOutcome = { violated: [], unknown: [] };

/** Notes a range's cases in order; false when the tally says stop. Throws the error of a case that
 *  threw, after noting the cases before it, as the sequential survey would have. */
function noteRange(tally: Tally, from: number, to: number, answer: RangeAnswer): boolean {
  let ran = 0;
  let notable = 0;
  for (let index = from; index < to && ran < answer.ran; index++) {
    if (!tally.owns(index)) continue;
    ran++;
    const found = answer.notable[notable];
    const outcome = found?.index === index ? answer.notable[notable++]! : undefined;
    if (!tally.noteOutcome(index, outcome?.case, outcome ?? NOTHING)) return false;
  }
  if (answer.error) throw rebuildError(answer.error);
  return true;
}
