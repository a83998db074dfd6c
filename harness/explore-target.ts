/**
 * Exploration on a real target (process, container, external): the same cases and bookkeeping as
 * the sim's explore(), each case played on the target in real time, up to `concurrency` of them in
 * flight at once (each on a controller of its own where the target hosts many), their results
 * taken in case order, so the first failure of each property is the first in case order whatever
 * finished first. Shrinking a real run is slow and noisy, so a failure is shrunk on the sim when the
 * sim sees it too (a plan means the same thing on every target) and the shrunk plan is then
 * confirmed on the target, its confirmation runs in flight together, which reports how often it
 * reproduces. Otherwise it is shrunk on the target itself (target-shrink.ts), within a time budget,
 * up to `concurrency` candidate runs at once.
 * With --shard, only this shard's cases run (their indexes stay those of the unsharded list). An
 * interrupt starts no more cases, stops those in flight (a real run may take minutes: the user
 * asked to stop now), and reports what the runs that finished found (unshrunk), those that finished
 * behind a stopped one in case order included. --time-limit stops the runs in flight too (a bound
 * for a nightly job), and so does the failure that ends the survey: nothing they show would count.
 * The progress line counts a run, and a failure it shows, as soon as it finishes, not when the
 * cases before it in case order have.
 */
import { setMaxListeners } from 'node:events';
import { Limiter } from './limiter.ts';
import { orderedSurvey } from './ordered-survey.ts';
import { shrinkOnSim } from './sim-shrink.ts';
import { Tally } from './tally.ts';
import type { ExploreOptions, ExploreResult, Failure } from './explore-result.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { distinctProperties } from './runner.ts';
import { StallBackoff } from './stall-backoff.ts';
import { caseSource, type Case } from './strategies/index.ts';
import type { Target } from './targets/target.ts';
import { simulate } from './targets/sim/simulate.ts';
import { caseOf, hooksOf, runOn, soleProperty, type Found, type Sample, type TargetRun } from './target-run.ts';
import { shrinkOnTarget } from './target-shrink.ts';
import { probeUnconnectedProgram } from './program-probe.ts';
import type { PropertyName } from '../properties/index.ts';

export interface TargetExploreOptions extends ExploreOptions {
  /** Whether the sim can stand in for the target while shrinking (not for a --client-cmd program
   *  or a client that needs real sockets). */
  shrinkOnSim: boolean;
  /** How many times a shrunk plan is run again on the target to say how often it reproduces. */
  confirmRuns: number;
  /** Time budget for shrinking on the target itself (--shrink-time): the smallest failing plan
   *  when it runs out is reported, with `shrinkTimedOut`. */
  shrinkTimeLimitMs: number;
  /** `shrinkTimeLimitMs` is the default, which grows with what a candidate costs (target-shrink.ts). */
  shrinkTimeIsDefault?: boolean;
  /** Runs in flight at once (default 1); the target must take that many (Target.maxConcurrency). */
  concurrency?: number;
  /** `concurrency` is a ceiling: fewer runs are in flight while the runs that end stalled
   *  (stall-backoff.ts). Without it, `concurrency` runs are in flight whatever they stall. */
  backoff?: boolean;
}

/** Runs finished behind a slower one that may wait to be noted, per run in flight. */
const NOTE_WINDOW_PER_RUN = 8;

/**
 * How long a case will take on the target, so the longest start first (orderedSurvey's priority):
 * a real run lasts about its model time × the time scale (mostly what its clients wait for: a deploy
 * deadline of 600 s is 12 s of real time), which the sim tells in a millisecond where it can play
 * the case; otherwise the plan's waits. Only the order in which runs start depends on it.
 */
export function expectedLength(config: RunConfig, simFits: boolean): (c: Case) => number {
  const planMs = (plan: Plan): number => plan.reduce((ms, e) => ms + (e.kind === 'wait' ? e.durationMs : 0), 0);
  return ([plan, simSeed]) => {
    if (!simFits) return planMs(plan);
    try {
      return simulate(config, plan, simSeed).at(-1)?.t ?? planMs(plan);
    } catch {
      return planMs(plan); // the sim's failure, if it matters, shows when the case is shrunk
    }
  };
}

export async function exploreTarget(
  target: Target,
  config: RunConfig,
  options: TargetExploreOptions,
): Promise<ExploreResult> {
  const source = caseSource(config, options);
  const tally = new Tally(config, options);
  const firstRuns = new Map<PropertyName, Sample>();
  /** Runs that finished and are not noted yet (runs finish out of case order, longest first). */
  const unnoted = new Map<number, { c: Case; result: TargetRun }>();
  // Runs in which a client program was started (it leaves an output): reports/inconclusive.ts.
  let programRuns = 0;
  const noteRun = (c: Case, index: number, result: TargetRun): boolean => {
    unnoted.delete(index);
    if (result.clientOutputs.length > 0) programRuns++;
    const [plan, simSeed] = c;
    for (const v of result.violations)
      if (!firstRuns.has(v.property)) firstRuns.set(v.property, { plan, simSeed, result });
    tally.cover(result.history);
    return tally.note(index, c, distinctProperties(result.violations), result.unknown);
  };
  // A run that throws (a --client-cmd that cannot work, a target that stopped answering) ends the
  // exploration with its error: the runs in flight are stopped now, not waited for in case order
  // (a run may go on for many seconds), and no more start.
  const broken = new AbortController();
  // Runs in flight are stopped, and count as not run, once nothing they could show would be noted
  // (a failure ended the survey: --stop-on-failure, every property violated) or --time-limit has
  // passed: a run waiting out a program's deadline would hold the exploration a minute longer.
  const over = new AbortController();
  const signal = AbortSignal.any([...(options.signal ? [options.signal] : []), broken.signal, over.signal]);
  setMaxListeners(0, signal); // one listener per run in flight: --concurrency may be dozens
  const timeLimit = tally.timeLeftMs();
  // A millisecond past it, so that the tally, asked when the stopped runs are noted, says time is up.
  const timer = timeLimit !== undefined ? setTimeout(() => over.abort(), timeLimit + 1) : undefined;
  const surveyed = { ...options, signal };
  // Each case keeps its index in the unsharded sequence whenever it starts; another shard's case
  // is drawn (to keep the sequence) and never run.
  const backoff = options.backoff ? new StallBackoff(options.concurrency ?? 1) : undefined;
  const runner = {
    start: async (c: Case, index: number) => {
      if (!tally.owns(index)) return undefined;
      const result = await runOn(target, config, c[0], c[1], hooksOf(surveyed, `run ${index + 1}`)).catch(
        (e: unknown) => {
          broken.abort(e);
          throw e;
        },
      );
      if (result) {
        backoff?.ended(result.stallLoad);
        unnoted.set(index, { c, result });
        // The progress line counts it, and a failure it shows, now: the cases before it in case
        // order may not even have started (the longest start first).
        tally.finish(distinctProperties(result.violations));
      }
      return { index, result };
    },
  };
  const details = await orderedSurvey(source, tally.checkParams(source), {
    runner,
    inFlight: backoff ? () => backoff.limit : (options.concurrency ?? 1),
    // A run that waits out a client's 600 s deploy deadline takes 12 s at the default time scale,
    // most take one or two: the others go past it (noted once it ends) rather than wait for it.
    window: NOTE_WINDOW_PER_RUN * (options.concurrency ?? 1),
    ...((options.concurrency ?? 1) > 1 ? { priority: expectedLength(config, options.shrinkOnSim) } : {}),
    note: (c, taken) => {
      if (taken === undefined) return true; // another shard's case
      const { index, result } = taken;
      if (!result) return !broken.signal.aborted && (tally.stopped ??= tally.stopReason()) === undefined; // stopped
      const goOn = noteRun(c, index, result);
      if (!goOn) over.abort();
      return goOn;
    },
    // A time limit or an interrupt starts no more cases; those that ended are still noted.
    mayStart: () => !broken.signal.aborted && tally.stopReason() === undefined,
  })
    .catch((e: unknown) => {
      throw broken.signal.aborted ? broken.signal.reason : e;
    })
    .finally(() => clearTimeout(timer));
  if (broken.signal.aborted) throw broken.signal.reason;
  tally.stopped ??= tally.stopReason();
  tally.checkDetails(details);
  // A time limit or an interrupt ends the noting at the first case in case order that did not run
  // to its end; the runs that finished after it in case order count too (what they found is kept).
  if (tally.stopped !== 'all-violated' && tally.stopped !== 'first-failure')
    for (const [index, { c, result }] of [...unnoted].sort(([a], [b]) => a - b)) noteRun(c, index, result);
  // Confirmations and shrinking on the target keep as many in flight as the survey ended with.
  const afterSurvey = { ...options, concurrency: backoff?.limit ?? options.concurrency ?? 1 };
  const limiter = new Limiter(afterSurvey.concurrency);
  const surveyMs = tally.elapsedMs();
  if (tally.interrupted) {
    const failures = config.properties.flatMap((property) => {
      const first = tally.first.get(property);
      return first ? [unshrunk(target, property, options.seed, first, firstRuns.get(property)!)] : [];
    });
    return noteBackoff({ ...tally.result(target.name, surveyMs, failures), programRuns }, backoff);
  }
  const found = config.properties.flatMap((property) => {
    const first = tally.first.get(property);
    return first ? [{ property, first }] : [];
  });
  // A program that failed without a connection, launched before bootstrap, may be unusable at
  // any plan: that is an error (exit 2), not a failure to shrink and keep (program-probe.ts).
  for (const sample of new Set(found.map(({ property }) => firstRuns.get(property)!)))
    await probeUnconnectedProgram(target, config, sample, options);
  // Sim shrinks first, all of them (synchronous: no real run is in flight to be slowed), then every
  // confirmation at once.
  const shrunk = found.map(({ property, first }) => {
    const start = performance.now();
    const only: RunConfig = { ...config, properties: [property] };
    const result = options.shrinkOnSim ? shrinkOnSim(only, source, options.seed, first.run) : undefined;
    return { only, first, result, ms: performance.now() - start };
  });
  const confirmed = await Promise.all(
    shrunk.map(async ({ only, first, result, ms }) => {
      const start = performance.now();
      const failure = await confirmOnTarget(target, limiter, only, options, first, result);
      return failure && { ...failure, shrinkMs: Math.round(ms + performance.now() - start) };
    }),
  );
  const failures: Failure[] = [];
  for (const [i, { only, first }] of shrunk.entries()) {
    const ready = confirmed[i];
    if (ready) {
      failures.push(ready);
      continue;
    }
    const start = performance.now();
    // As many candidates at once as the survey ended with: runs that stalled there would stall here
    // too, and a stalled candidate's deadlines go unjudged (it would pass, and shrink no further).
    const failure = await shrinkOnTarget(target, only, source, afterSurvey, first, firstRuns.get(soleProperty(only))!);
    failures.push({ ...failure, shrinkMs: Math.round(performance.now() - start) });
  }
  return noteBackoff({ ...tally.result(target.name, surveyMs, failures), programRuns }, backoff);
}

/** Says so in the result's notes when the runs stalled and fewer were kept in flight (stall-backoff.ts). */
function noteBackoff(result: ExploreResult, backoff: StallBackoff | undefined): ExploreResult {
  if (!backoff || backoff.lowest === backoff.ceiling) return result;
  const note =
    `runs stalled (a busy machine): runs in flight went from ${backoff.ceiling} down to ${backoff.lowest} ` +
    `at the lowest, so that their deadlines could be judged (--concurrency N keeps N)`;
  return { ...result, notes: [...(result.notes ?? []), note] };
}

/** Confirms a sim-shrunk plan on the target, its runs in flight together; undefined when the sim
 *  did not see the race or the target does not fail the shrunk plan (shrink there instead). */
async function confirmOnTarget(
  target: Target,
  limiter: Limiter,
  only: RunConfig,
  options: TargetExploreOptions,
  found: Found,
  shrunk: { plan: Plan; simSeed: number; path: string } | undefined,
): Promise<Failure | undefined> {
  if (!shrunk) return undefined;
  const { plan, simSeed, path } = shrunk;
  const stopped = await Promise.all(
    Array.from({ length: options.confirmRuns }, () =>
      limiter.run(() => runOn(target, only, plan, simSeed, hooksOf(options, `confirming ${only.properties[0]}`))),
    ),
  );
  const runs = stopped.filter((r) => r !== undefined);
  const failing = runs.filter((r) => r.violations.length > 0);
  const shown = failing[0];
  if (!shown) return undefined;
  return {
    ...caseOf(soleProperty(only), shown, { seed: options.seed, path, events: found.events, plan, simSeed }),
    shrunkOn: 'sim-then-target',
    target: target.name,
    reproduced: { runs: runs.length, failed: failing.length },
  };
}

/** The first violating case as seen on the target, when an interrupt leaves no time to shrink it. */
function unshrunk(target: Target, property: PropertyName, seed: number, found: Found, sample: Sample): Failure {
  const at = { seed, path: String(found.run - 1), events: found.events, plan: sample.plan, simSeed: sample.simSeed };
  return {
    ...caseOf(property, sample.result, at),
    shrunkOn: 'none',
    reason: 'interrupted',
    target: target.name,
  };
}
