/**
 * Phase one of an exploration with several cases in flight at once, and the same result as one at
 * a time: fast-check draws the cases from the seed exactly as a sequential check would (same
 * arbitrary, same parameters), each case starts as soon as it is drawn, and outcomes are noted in
 * case order. The case that makes `note` say stop is the same as in a sequential run; cases drawn
 * after it ran for nothing and are never noted, and a case whose run failed surfaces in its place,
 * not when it happened to finish first. A slow case does not hold the others up: `inFlight` bounds
 * the cases running, and those that finished after it wait to be noted (up to `window` of them), so
 * on a real target a run that waits out a 600 s deadline keeps one slot busy, not all of them. The one implementation of "concurrent work, results in
 * case order": the sim's workers use it (explore-on-workers.ts), and so do the real targets with
 * --concurrency (explore-target.ts).
 */
import fc from 'fast-check';
import type { Case, CaseSource } from './strategies/index.ts';

/** Runs cases, possibly later and elsewhere. */
export interface CaseRunner<O> {
  /** Starts one case; its outcome comes when the promise resolves. */
  start(c: Case): Promise<O>;
  /** Sends on whatever start() has queued (a runner that batches cases); called before waiting. */
  flush?(): void;
}

export interface SurveyOptions<O> {
  runner: CaseRunner<O>;
  /** Most cases running at once. */
  inFlight: number;
  /** Most cases started and not yet noted (running, or finished behind an older case still
   *  running); default inFlight. Larger lets the fast cases go past a slow one. */
  window?: number;
  /** Called in case order with each case's outcome; false stops the survey (no later case is noted). */
  note: (c: Case, outcome: O) => boolean;
  /** Asked before each case starts: false starts no more (a time limit, an interrupt), and the
   *  survey stops once the cases in flight are noted. */
  mayStart?: () => boolean;
}

type Settled<O> = { ok: true; outcome: O } | { ok: false; error: unknown };

/**
 * Checks `source`'s cases with `params`, as described above. Returns fast-check's run details, as
 * fc.check over a predicate `note(c, run(c))` would; throws the error of the first case (in case
 * order) whose run failed, as that check would have reported it.
 */
export async function orderedSurvey<O>(
  source: CaseSource,
  params: fc.Parameters<[Case]>,
  { runner, inFlight, window, note, mayStart }: SurveyOptions<O>,
): Promise<fc.RunDetails<[Case]>> {
  const queue: { c: Case; settled: Promise<Settled<O>>; done: boolean }[] = [];
  const most = Math.max(inFlight, window ?? inFlight);
  let running = 0;
  /** Wakes the drawing loop when a running case settles. */
  let wake: (() => void) | undefined;
  /** note said stop, or a run failed: nothing more is noted. */
  let stopped = false;
  /** mayStart said no: nothing more starts, what is in flight is still noted. */
  let ending = false;
  let failure: { error: unknown } | undefined;

  const noteOldest = async (): Promise<void> => {
    const oldest = queue.shift();
    if (!oldest) return;
    const result = await oldest.settled;
    if (stopped) return;
    if (!result.ok) {
      failure = { error: result.error };
      stopped = true;
    } else stopped = !note(oldest.c, result.outcome);
  };
  /** Notes the cases at the head that have finished, without waiting for any. */
  const noteFinished = async (): Promise<void> => {
    while (!stopped && queue[0]?.done) await noteOldest();
  };

  const property = fc.asyncProperty(source.arbitrary, async (c) => {
    ending ||= mayStart?.() === false;
    if (stopped || ending) return false;
    // Never rejects: a failed run is reported in case order, not when it happens.
    const entry = { c, done: false, settled: undefined as unknown as Promise<Settled<O>> };
    running++;
    entry.settled = runner.start(c).then(
      (outcome): Settled<O> => ({ ok: true, outcome }),
      (error: unknown): Settled<O> => ({ ok: false, error }),
    );
    void entry.settled.then(() => {
      entry.done = true;
      running--;
      wake?.();
    });
    queue.push(entry);
    await noteFinished();
    while (!stopped && (queue.length >= most || running >= inFlight)) {
      runner.flush?.();
      if (queue.length >= most) await noteOldest();
      else await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      await noteFinished();
    }
    return !stopped;
  });
  const details = await fc.check(property, params);
  runner.flush?.();
  while (queue.length > 0) await noteOldest();
  if (failure) throw failure.error;
  return details;
}
