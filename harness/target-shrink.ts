/**
 * Shrinking on a real target, when the sim cannot stand in for it (a --client-cmd program, a client
 * that needs real sockets, a race the sim does not see): each candidate is a real run. fast-check's
 * order decides which candidate is taken, as on the sim; with --concurrency N the next N candidates
 * run at once (lookahead-shrink.ts), so the shrunk plan and its path are those of one-at-a-time
 * shrinking for the same verdicts, in fewer rounds of real runs. Within a time budget
 * (`--shrink-time`): when it runs out, the candidate runs in flight are stopped (their programs
 * killed; a stopped candidate is neither a reproduction nor a pass) and the smallest failing plan
 * so far is reported, and says so (test/targets/shrink-budget.test.ts).
 *
 * A candidate is cut (RunHooks.cutAtMs) some time after the moment the run found showed its
 * violation: a client that hangs until its own deadline (a login gone half-open, a call with no
 * timeout) made each candidate cost that deadline (a minute of real time at --time-scale 0.1, for
 * a violation shown in seconds), so the budget ran out after a round or two. Only violations
 * before the cut count: up to there the candidate's history is what it would have been uncut.
 */
import { count } from './plural.ts';
import { startAt } from './case-params.ts';
import type { TargetShrunkFailure } from './explore-result.ts';
import { readRunParams } from './history.ts';
import { Limiter } from './limiter.ts';
import { lookaheadShrink } from './lookahead-shrink.ts';
import type { RunConfig } from './run-config.ts';
import type { Case, CaseSource } from './strategies/index.ts';
import type { Target } from './targets/target.ts';
import { caseOf, runOn, soleProperty, type Found, type Sample, type TargetRun } from './target-run.ts';

export interface TargetShrinkOptions {
  /** The exploration's seed: fast-check regenerates the case found from it. */
  seed: number;
  /** Time budget for shrinking, the case found's runs included. */
  shrinkTimeLimitMs: number;
  /** The budget is the default, not the user's (--shrink-time): it grows to SHRINK_ROUNDS
   *  candidates as long as the case found (shrinkBudgetMs). */
  shrinkTimeIsDefault?: boolean | undefined;
  /** Candidates run at once (default 1). */
  concurrency?: number | undefined;
  /** An interrupt: the runs in flight stop, and the smallest failure so far stands. */
  signal?: AbortSignal | undefined;
  onStatus?: ((line: string) => void) | undefined;
}

/** Runs of the case found before shrinking on the target gives up on seeing it again. */
const ORIGINAL_ATTEMPTS = 3;

/** Rounds of candidates the default budget leaves room for, at the least. */
export const SHRINK_ROUNDS = 8;

/** The most the default budget grows to per property: a scenario at time scale 1 with long deploy
 *  deadlines (python-libjuju-3.6) would otherwise shrink for 20 minutes per violated property. */
export const MAX_DEFAULT_SHRINK_MS = 600_000;

/**
 * The shrinking budget, real ms. A candidate whose client waits out its deadline costs that
 * deadline, scaled (a minute at --time-scale 0.1): the default 120 s left room for the case found
 * and one round of candidates at most, so nothing shrank. The default grows to SHRINK_ROUNDS runs
 * as long as the case found's (up to its cut), at most MAX_DEFAULT_SHRINK_MS; a --shrink-time given
 * is kept as given.
 */
export function shrinkBudgetMs(options: TargetShrinkOptions, original: Sample, cutAtMs: number | undefined): number {
  if (!options.shrinkTimeIsDefault) return options.shrinkTimeLimitMs;
  const lastMs = original.result.history.at(-1)?.t ?? 0;
  const timeScale = original.result.history.length > 0 ? (readRunParams(original.result.history).timeScale ?? 1) : 1;
  const candidateMs = Math.min(lastMs, cutAtMs ?? Infinity) * timeScale;
  return Math.max(options.shrinkTimeLimitMs, Math.min(MAX_DEFAULT_SHRINK_MS, Math.round(SHRINK_ROUNDS * candidateMs)));
}

/**
 * Model time at which candidates are cut: when the run found first showed the violation, plus half
 * that again or one resume deadline, whichever is longer (a candidate's timing varies with the
 * machine's load; a smaller plan mostly shows it sooner). Undefined on the sim (its run is instant)
 * or when the run found shows no violation of the property.
 */
export function candidateCutMs(target: Target, only: RunConfig, original: Sample): number | undefined {
  if (target.name === 'sim') return undefined;
  const property = soleProperty(only);
  const shownMs = Math.min(...original.result.violations.filter((v) => v.property === property).map((v) => v.t));
  if (!Number.isFinite(shownMs)) return undefined;
  return Math.ceil(shownMs + Math.max(shownMs / 2, only.scenario.deadlines.resumeMs));
}

/**
 * Shrinks the case found (`original`, the run that showed it) for the one property `only` judges.
 * A race that does not come back in ORIGINAL_ATTEMPTS runs is reported as first seen, unshrunk.
 */
export async function shrinkOnTarget(
  target: Target,
  only: RunConfig,
  source: CaseSource,
  options: TargetShrinkOptions,
  found: Found,
  original: Sample,
): Promise<TargetShrunkFailure> {
  const property = soleProperty(only);
  const concurrency = options.concurrency ?? 1;
  const started = performance.now();
  const cutAtMs = candidateCutMs(target, only, original);
  const budgetMs = shrinkBudgetMs(options, original, cutAtMs);
  const budget = AbortSignal.timeout(budgetMs);
  const failing = new WeakMap<Case, TargetRun>();
  let originalRuns = 0;
  let smallest = found.events;
  const shrunk = await lookaheadShrink(source.arbitrary, {
    params: startAt(source, options.seed, found.run),
    lookahead: concurrency,
    signal: options.signal ? AbortSignal.any([options.signal, budget]) : budget,
    fails: async (c, step, signal) => {
      const [plan, simSeed] = c;
      // Each candidate is a real run (seconds, minutes at time scale 1): the progress line says where
      // shrinking is, from the candidate's start, and each status line of its run after that.
      // The time spent is read afresh for each line: a candidate may take a minute.
      const where = (): string =>
        `shrinking ${property}: step ${step}, plan of ${count(plan.length, 'event')} ` +
        `(smallest failing ${smallest}), ${seconds(performance.now() - started)} of ${seconds(budgetMs)}`;
      const { onStatus } = options;
      onStatus?.(where());
      const run = async (s: AbortSignal) => {
        const hooks = {
          signal: s,
          cutAtMs,
          ...(onStatus ? { onStatus: (l: string) => onStatus(`${where()}: ${l}`) } : {}),
        };
        const result = await runOn(target, only, plan, simSeed, hooks);
        return result && cutAtMs !== undefined
          ? { ...result, violations: result.violations.filter((v) => v.t < cutAtMs) }
          : result;
      };
      // The first candidate is the case found: a race seen once may need a few tries to be seen
      // again, and without it there is nothing to shrink from. Smaller candidates get one run each.
      const tries = step === 1 ? ORIGINAL_ATTEMPTS : 1;
      const { fails, ran } = await untilFails(tries, Math.min(tries, concurrency), signal, run);
      if (step === 1) originalRuns = ran;
      if (fails) failing.set(c, fails);
      if (fails) smallest = Math.min(smallest, plan.length);
      return fails ? true : signal.aborted ? undefined : false;
    },
  });
  const interrupted = shrunk.stopped && options.signal?.aborted === true;
  const timedOut = shrunk.stopped && budget.aborted && !interrupted;
  const value = shrunk.counterexample?.value;
  // The failure shown is the run of the counterexample fast-check took, so the path printed
  // replays the plan shown.
  const shown = value ? { plan: value[0], simSeed: value[1], result: failing.get(value)! } : original;
  const path = shrunk.counterexample?.path ?? String(found.run - 1);
  const at = { seed: options.seed, path, events: found.events, plan: shown.plan, simSeed: shown.simSeed };
  return {
    ...caseOf(property, shown.result, at),
    shrunkOn: 'target',
    target: target.name,
    ...(value ? {} : { reproduced: { runs: 1 + originalRuns, failed: 1 } }),
    ...(timedOut ? { shrinkTimedOut: { limitMs: budgetMs } } : {}),
    ...(interrupted ? { shrinkInterrupted: { limitMs: budgetMs } } : {}),
  };
}

/**
 * Runs a plan up to `tries` times, `atOnce` at a time, until a run fails: that run (the others are
 * stopped), and how many runs ran to their end. Every run has ended when it resolves; a run's
 * error rejects it then.
 */
async function untilFails(
  tries: number,
  atOnce: number,
  signal: AbortSignal,
  run: (signal: AbortSignal) => Promise<TargetRun | undefined>,
): Promise<{ fails: TargetRun | undefined; ran: number }> {
  const done = new AbortController();
  const either = AbortSignal.any([signal, done.signal]);
  const limiter = new Limiter(atOnce);
  let fails: TargetRun | undefined;
  let ran = 0;
  const runs = await Promise.allSettled(
    Array.from({ length: tries }, () =>
      limiter.run(async () => {
        if (either.aborted) return;
        const result = await run(either).catch((e: unknown) => {
          done.abort();
          throw e;
        });
        if (!result) return;
        ran++;
        if (result.violations.length > 0 && !fails) {
          fails = result;
          done.abort();
        }
      }),
    ),
  );
  const error = runs.find((r) => r.status === 'rejected');
  if (error) throw error.reason;
  return { fails, ran };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
