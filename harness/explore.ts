/**
 * Exploration: fast-check generates cases (a plan and a sim seed) for a scenario, as the chosen
 * strategy draws them (harness/strategies/: random by default), and runs each.
 * Phase one runs every case (of this shard) and notes, per property, the first case that violates
 * it. Phase two shrinks each violated property on its own: the same seed regenerates the same
 * cases, so a check of that property alone fails at the same case and fast-check shrinks it to a
 * minimal plan, with the seed and path that replay it. explore-on-workers.ts runs phase one on
 * worker threads with the same result.
 *
 * The sim is synchronous. `exploreAsync`, which the CLI uses, lets the event loop turn every few
 * tens of milliseconds of cases and between two properties' shrinks: that is where an interrupt
 * (options.signal) is noticed and the progress line drawn. `explore` runs the same cases straight.
 */
import fc from 'fast-check';
import type { RunConfig } from './run-config.ts';
import { caseOptionsOf, outcomeOf, runCase, runSim } from './runner.ts';
import { caseSource, type Case, type CaseSource } from './strategies/index.ts';
import type { ExploreOptions, ExploreResult, Failure } from './explore-result.ts';
import { Tally, type FirstViolation } from './tally.ts';
import { shrinkFailure } from './sim-shrink.ts';
import { historyHash } from './history.ts';
import type { PropertyName } from '../properties/index.ts';

/** How long the async exploration runs cases before it lets the event loop turn. */
const BREATHE_MS = 50;

/** Explores on the sim, start to end. */
export function explore(config: RunConfig, options: ExploreOptions): ExploreResult {
  const { source, tally, runCase } = start(config, options);
  if (tally.stopReason() === undefined)
    tally.checkDetails(fc.check(fc.property(source.arbitrary, runCase), tally.checkParams(source)));
  return shrinkFound(config, source, options, tally);
}

/** Phase two, start to end: shrinks the first violation of each property phase one found. */
export function shrinkFound(
  config: RunConfig,
  source: CaseSource,
  options: ExploreOptions,
  tally: Tally,
): ExploreResult {
  return drain(phaseTwo(config, source, tally, options));
}

/** Explores on the sim, letting the event loop run every few tens of milliseconds (signals, progress). */
export async function exploreAsync(config: RunConfig, options: ExploreOptions): Promise<ExploreResult> {
  const { source, tally, runCase: runOne } = start(config, options);
  let last = performance.now();
  const breathe = async (): Promise<void> => {
    if (performance.now() - last < BREATHE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
  const survey = fc.asyncProperty(source.arbitrary, async (c) => {
    await breathe();
    // An interrupt that came while the loop turned stops the survey before the next case.
    tally.stopped ??= tally.stopReason();
    return tally.stopped === undefined && runOne(c);
  });
  if (tally.stopReason() === undefined) tally.checkDetails(await fc.check(survey, tally.checkParams(source)));
  const steps = phaseTwo(config, source, tally, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Phase one's case: run it if it is this shard's, note what it violated; false to stop. */
function start(config: RunConfig, options: ExploreOptions) {
  const source = caseSource(config, options);
  const tally = new Tally(config, options);
  const caseOptions = caseOptionsOf(options);
  const runOne = (c: Case): boolean => {
    const index = tally.take();
    if (index === undefined) return true;
    // A strategy that steers by coverage already ran the case (never with --check-determinism).
    const ran = caseOptions.checkDeterminism ? undefined : source.resultOf?.(c);
    return tally.noteOutcome(index, c, ran ? outcomeOf(ran, caseOptions) : runCase(config, c[0], c[1], caseOptions));
  };
  return { source, tally, runCase: runOne };
}

function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Phase two, one property per step: shrink each violated property (or, interrupted, keep it as found). */
function* phaseTwo(
  config: RunConfig,
  source: CaseSource,
  tally: Tally,
  options: ExploreOptions,
): Generator<void, ExploreResult> {
  const surveyMs = tally.elapsedMs();
  const failures: Failure[] = [];
  for (const property of config.properties) {
    const found = tally.first.get(property);
    if (!found || options.shrink === false) continue;
    failures.push(
      tally.interrupted
        ? unshrunk(config, property, options.seed, found)
        : shrinkFailure(config, source, property, options.seed, found),
    );
    yield;
  }
  return tally.result('sim', surveyMs, failures);
}

/** The first violating case as it was, when an interrupt leaves no time to shrink it. */
function unshrunk(config: RunConfig, property: PropertyName, seed: number, found: FirstViolation): Failure {
  const only: RunConfig = { ...config, properties: [property] };
  const { history, violations } = runSim(only, found.plan, found.simSeed);
  return {
    shrunkOn: 'none',
    reason: 'interrupted',
    target: 'sim',
    clientOutputs: [],
    property,
    seed,
    path: String(found.run - 1),
    events: found.events,
    shrunkEvents: found.plan.length,
    plan: found.plan,
    simSeed: found.simSeed,
    historyHash: historyHash(history),
    violations,
    history,
    shrinkMs: 0,
  };
}
