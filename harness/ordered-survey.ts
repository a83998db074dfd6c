/**
 * Phase one of an exploration with several cases in flight at once, and the same result as one at
 * a time: fast-check draws the cases from the seed exactly as a sequential check would (same
 * arbitrary, same parameters), each case starts as soon as it is drawn, and outcomes are noted in
 * case order. The case that makes `note` say stop is the same as in a sequential run; cases drawn
 * after it ran for nothing and are never noted. The sim's workers use it (explore-on-workers.ts);
 * so can any target that runs cases concurrently.
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

type Settled<O> = { ok: true; outcome: O } | { ok: false; error: unknown };

/**
 * Checks `source`'s cases with `params`, keeping at most `inFlight` cases started and not yet
 * noted. Returns fast-check's run details, as fc.check over a predicate `note(c, run(c))` would;
 * throws the error of the first case (in case order) whose run failed, as that check would have
 * reported it.
 */
export async function orderedSurvey<O>(
  source: CaseSource,
  params: fc.Parameters<[Case]>,
  runner: CaseRunner<O>,
  inFlight: number,
  note: (c: Case, outcome: O) => boolean,
): Promise<fc.RunDetails<[Case]>> {
  const queue: { c: Case; settled: Promise<Settled<O>> }[] = [];
  let stopped = false;
  let failure: { error: unknown } | undefined;

  const noteOldest = async (): Promise<void> => {
    const { c, settled } = queue.shift()!;
    const result = await settled;
    if (stopped) return;
    if (!result.ok) {
      failure = { error: result.error };
      stopped = true;
    } else stopped = !note(c, result.outcome);
  };

  const property = fc.asyncProperty(source.arbitrary, async (c) => {
    if (stopped) return false;
    // Never rejects: a failed run is reported in case order, not when it happens.
    const settled = runner.start(c).then(
      (outcome): Settled<O> => ({ ok: true, outcome }),
      (error: unknown): Settled<O> => ({ ok: false, error }),
    );
    queue.push({ c, settled });
    while (queue.length >= inFlight && !stopped) {
      runner.flush?.();
      await noteOldest();
    }
    return !stopped;
  });
  const details = await fc.check(property, params);
  runner.flush?.();
  while (queue.length > 0) await noteOldest();
  if (failure) throw failure.error;
  return details;
}
