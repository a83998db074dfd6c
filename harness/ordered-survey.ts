/**
 * Phase one of an exploration with several cases in flight at once, and the same result as one at
 * a time: fast-check draws the cases from the seed exactly as a sequential check would (same
 * arbitrary, same parameters), and outcomes are noted in case order. The case that makes `note` say
 * stop is the same as in a sequential run; cases drawn after it ran for nothing (or never started)
 * and are never noted, and a case whose run failed surfaces in its place, not when it happened to
 * finish first. The real targets use it with --concurrency (explore-target.ts). The sim's workers
 * do not: each draws its own cases by index (case-drawer.ts), so that the main thread, which draws
 * every case here, is not the bottleneck; explore-on-workers.ts notes their ranges in case order.
 *
 * A slow case does not hold the others up: `inFlight` bounds the cases running, and up to `window`
 * cases may be drawn and not yet noted (waiting to start, running, or finished behind an older one),
 * so on a real target a run that waits out a client's 600 s deadline keeps one slot busy, not all.
 * With a `priority`, the cases drawn start longest first: a long run started last would end the
 * exploration alone, long after the others.
 */
import fc from 'fast-check';
import type { Case, CaseSource } from './strategies/index.ts';

/** Runs cases, possibly later and elsewhere. */
export interface CaseRunner<O> {
  /** Starts one case, the `index`th drawn (0-based, in case order: cases may start out of that
   *  order); its outcome comes when the promise resolves. */
  start(c: Case, index: number): Promise<O>;
  /** Sends on whatever start() has queued (a runner that batches cases); called before waiting. */
  flush?(): void;
}

export interface SurveyOptions<O> {
  runner: CaseRunner<O>;
  /** Most cases running at once: a number, or asked before each start (back-pressure: stall-backoff.ts). */
  inFlight: number | (() => number);
  /** Most cases drawn and not yet noted; default inFlight (each case starts as it is drawn). */
  window?: number;
  /** Among the cases drawn and waiting, the highest starts first (default: in case order). */
  priority?: (c: Case) => number;
  /** Called in case order with each case's outcome; false stops the survey (no later case is noted). */
  note: (c: Case, outcome: O) => boolean;
  /** Asked before each case starts: false starts no more (a time limit, an interrupt), and the
   *  survey stops once the cases in flight are noted. */
  mayStart?: () => boolean;
}

/** A case's outcome, or its run's error; `skipped`: it never started (the survey stopped first). */
type Settled<O> = { ok: true; outcome: O } | { ok: false; error: unknown } | { skipped: true };

/** A case drawn: waiting to start, running, or done (`done` once `settled` has resolved). */
interface Drawn<O> {
  c: Case;
  index: number;
  rank: number;
  settled: Promise<Settled<O>>;
  settle: (s: Settled<O>) => void;
  done: boolean;
}

function drawn<O>(c: Case, index: number, rank: number): Drawn<O> {
  let settle!: (s: Settled<O>) => void;
  const settled = new Promise<Settled<O>>((resolve) => (settle = resolve));
  const entry: Drawn<O> = { c, index, rank, settled, settle, done: false };
  void settled.then(() => (entry.done = true));
  return entry;
}

/**
 * Checks `source`'s cases with `params`, as described above. Returns fast-check's run details, as
 * fc.check over a predicate `note(c, run(c))` would; throws the error of the first case (in case
 * order) whose run failed, as that check would have reported it.
 */
export async function orderedSurvey<O>(
  source: CaseSource,
  params: fc.Parameters<[Case]>,
  { runner, inFlight, window, priority, note, mayStart }: SurveyOptions<O>,
): Promise<fc.RunDetails<[Case]>> {
  const queue: Drawn<O>[] = []; // drawn and not noted, in case order
  const waiting: Drawn<O>[] = []; // drawn and not started
  const limit = typeof inFlight === 'number' ? () => inFlight : inFlight;
  const most = Math.max(limit(), window ?? limit());
  let running = 0;
  /** Wakes the drawing loop when a running case settles. */
  let wake: (() => void) | undefined;
  /** note said stop, or a run failed: nothing more is noted. */
  let stopped = false;
  /** mayStart said no: nothing more starts, what is in flight is still noted. */
  let ending = false;
  let failure: { error: unknown } | undefined;
  /** fast-check has drawn every case it will. */
  let allDrawn = false;
  let drawnCount = 0;
  /** A window's worth was drawn (or all there are): cases may start. */
  let drawnAhead = false;

  const start = (entry: Drawn<O>): void => {
    running++;
    // Never rejects: a failed run is reported in case order, not when it happens.
    void runner
      .start(entry.c, entry.index)
      .then(
        (outcome): Settled<O> => ({ ok: true, outcome }),
        (error: unknown): Settled<O> => ({ ok: false, error }),
      )
      .then((settled) => {
        entry.settle(settled);
        running--;
        startWaiting();
        wake?.();
      });
  };
  /** Starts waiting cases, highest rank first, while there is room; once the survey stops or
   *  ends, the waiting ones never start. */
  const startWaiting = (): void => {
    // With a priority, a window's worth is drawn before any starts, so the longest start first.
    drawnAhead ||= !priority || allDrawn || queue.length >= most;
    while (drawnAhead && running < limit() && waiting.length > 0 && !stopped && !ending) {
      ending = mayStart?.() === false;
      if (ending) break;
      let best = 0;
      for (let i = 1; i < waiting.length; i++) if (waiting[i]!.rank > waiting[best]!.rank) best = i;
      start(waiting.splice(best, 1)[0]!);
    }
    if (stopped || ending) for (const entry of waiting.splice(0)) entry.settle({ skipped: true });
  };

  const noteOldest = async (): Promise<void> => {
    const oldest = queue.shift();
    if (!oldest) return;
    const result = await oldest.settled;
    if (stopped) return;
    if ('skipped' in result) {
      ending = true; // a case that never ran: none after it is noted either
      stopped = true;
    } else if (!result.ok) {
      failure = { error: result.error };
      stopped = true;
    } else stopped = !note(oldest.c, result.outcome);
    if (stopped) startWaiting();
  };
  /** Notes the cases at the head that have finished, without waiting for any. */
  const noteFinished = async (): Promise<void> => {
    while (!stopped && queue[0]?.done) await noteOldest();
  };

  const property = fc.asyncProperty(source.arbitrary, async (c) => {
    ending ||= mayStart?.() === false;
    if (stopped || ending) return false;
    const entry = drawn<O>(c, drawnCount++, priority?.(c) ?? 0);
    queue.push(entry);
    waiting.push(entry);
    startWaiting();
    await noteFinished();
    // Without a priority a case starts as it is drawn: wait for a slot. With one, draw on (up to
    // the window) so the longest of those drawn can start first.
    const full = (): boolean => queue.length >= most || (!priority && waiting.length > 0);
    while (!stopped && !ending && full()) {
      runner.flush?.();
      if (queue.length >= most) await noteOldest();
      else await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      await noteFinished();
    }
    return !stopped;
  });
  const details = await fc.check(property, params);
  allDrawn = true;
  startWaiting(); // the last cases drawn, or (stopped) none
  while (queue.length > 0) {
    runner.flush?.();
    await noteOldest();
  }
  if (failure) throw failure.error;
  return details;
}
