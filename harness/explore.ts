/**
 * Exploration: fast-check generates cases (a plan and a sim seed) for a scenario, as the chosen
 * strategy draws them (harness/strategies/: random by default), and runs each.
 * Phase one runs every case and notes, per property, the first case that violates it. Phase two
 * shrinks each violated property on its own: the same seed regenerates the same cases, so a check
 * of that property alone fails at the same case and fast-check shrinks it to a minimal plan, with
 * the seed and path that replay it.
 */
import fc from 'fast-check';
import type { PlanOptions } from './arbitraries.ts';
import { historyHash, type HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import { UsageError, type RunConfig } from './run-config.ts';
import { runSim, runSimChecked } from './runner.ts';
import { caseSource, type Case, type CaseSource } from './strategies/index.ts';
import type { PropertyName, Violation } from '../properties/index.ts';

export interface ExploreOptions extends PlanOptions {
  runs: number;
  seed: number;
  /** Stop generating new cases after this long (shrinking still completes). */
  timeLimitMs?: number;
  checkDeterminism?: boolean;
  /** End phase one as soon as every property has been violated once (the bench's time to failure). */
  stopWhenAllViolated?: boolean;
}

export interface Failure {
  property: PropertyName;
  seed: number;
  path: string;
  /** Events in the first failing plan, before shrinking. */
  events: number;
  shrunkEvents: number;
  plan: Plan;
  /** The sim seed of the counterexample (part of the generated case). */
  simSeed: number;
  historyHash: string;
  violations: Violation[];
  history: HistoryRecord[];
  shrinkMs: number;
}

export interface PropertyOutcome {
  property: PropertyName;
  violated: boolean;
  /** 1-based index of the first violating case. */
  firstFailureRun?: number;
  /** Milliseconds from the start of phase one to the end of that case. */
  firstFailureMs?: number;
  /** How many of the cases run violated it (phase one only). */
  violatingRuns?: number;
}

export interface ExploreResult {
  scenario: string;
  target: string;
  /** Cases run in phase one. */
  runs: number;
  seed: number;
  verdict: 'pass' | 'fail';
  runsPerSecond: number;
  elapsedMs: number;
  properties: PropertyOutcome[];
  failures: Failure[];
}

export type { Case } from './strategies/index.ts';

/** The arbitrary of a sampling strategy (random unless options.strategy says otherwise). */
export function caseArbitrary(config: RunConfig, options: PlanOptions): fc.Arbitrary<Case> {
  const source = caseSource(config, { ...options, seed: 0, runs: 0 });
  if (source.examples) throw new UsageError(`the ${options.strategy} strategy enumerates its cases: use explore() or caseSource()`);
  return source.arbitrary;
}

/** fast-check parameters that make a check see the source's cases: its examples first, if any. */
function sourceParams(source: CaseSource): { examples?: [Case][] } {
  return source.examples ? { examples: source.examples.map((c): [Case] => [c]) } : {};
}

export function explore(config: RunConfig, options: ExploreOptions): ExploreResult {
  const run = options.checkDeterminism ? runSimChecked : runSim;
  const source = caseSource(config, options);
  const first = new Map<PropertyName, { run: number; events: number; ms: number }>();
  const violating = new Map<PropertyName, number>();
  let runs = 0;
  let allViolated = false;
  const start = performance.now();
  const survey = fc.property(source.arbitrary, ([plan, simSeed]) => {
    runs++;
    const seen = new Set<PropertyName>();
    for (const v of run(config, plan, simSeed).violations) seen.add(v.property);
    for (const property of seen) {
      violating.set(property, (violating.get(property) ?? 0) + 1);
      if (!first.has(property)) first.set(property, { run: runs, events: plan.length, ms: performance.now() - start });
    }
    // Returning false ends the survey (endOnFailure: nothing is shrunk here).
    allViolated = options.stopWhenAllViolated === true && config.properties.every((p) => first.has(p));
    return !allViolated;
  });
  const details = fc.check(survey, {
    numRuns: Math.min(options.runs, source.maxRuns ?? Infinity),
    seed: options.seed,
    endOnFailure: options.stopWhenAllViolated === true,
    ...sourceParams(source),
    ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false } : {}),
  });
  // The survey fails only when told to stop early; anything else is a harness bug.
  if (details.failed && !allViolated) throw details.errorInstance;
  const surveyMs = performance.now() - start;

  const failures: Failure[] = [];
  for (const property of config.properties) {
    const found = first.get(property);
    if (found) failures.push(shrink(config, source, property, options.seed, found));
  }
  return {
    scenario: config.scenario.name,
    target: 'sim',
    runs,
    seed: options.seed,
    verdict: failures.length > 0 ? 'fail' : 'pass',
    runsPerSecond: Math.round(runs / Math.max(1e-3, surveyMs / 1000)),
    elapsedMs: Math.round(performance.now() - start),
    properties: config.properties.map((property) => {
      const f = first.get(property);
      return {
        property, violated: f !== undefined, violatingRuns: violating.get(property) ?? 0,
        ...(f ? { firstFailureRun: f.run, firstFailureMs: Math.round(f.ms) } : {}),
      };
    }),
    failures,
  };
}

/** Shrinks the first case that violates `property` to a minimal one. */
function shrink(
  config: RunConfig, source: CaseSource, property: PropertyName, seed: number, found: { run: number; events: number },
): Failure {
  const only: RunConfig = { ...config, properties: [property] };
  const start = performance.now();
  const details = fc.check(
    fc.property(source.arbitrary, ([plan, simSeed]) => runSim(only, plan, simSeed).violations.length === 0),
    { seed, numRuns: found.run, ...sourceParams(source) },
  );
  const shrinkMs = Math.round(performance.now() - start);
  if (!details.failed || !details.counterexample) {
    throw new Error(`could not reproduce the violation of ${property} at run ${found.run} of seed ${seed}`);
  }
  const [[plan, simSeed]] = details.counterexample;
  const result = runSim(only, plan, simSeed);
  return {
    property, seed, path: details.counterexamplePath ?? '', events: found.events, shrunkEvents: plan.length, plan, simSeed,
    historyHash: historyHash(result.history), violations: result.violations, history: result.history, shrinkMs,
  };
}

/** The case at `path` of the exploration with `seed`: what `replay --seed --path` runs. */
export function caseAtPath(config: RunConfig, options: PlanOptions & { seed: number; path: string }): Case {
  const index = Number(options.path.split(':')[0]);
  const source = caseSource(config, { ...options, runs: index + 1 });
  if (source.examples && index >= source.examples.length) {
    throw new UsageError(`--path ${options.path}: the ${options.strategy} strategy has only ${source.examples.length} cases here`);
  }
  let found: Case | undefined;
  const property = fc.property(source.arbitrary, (c) => {
    found = c;
    return false; // the first value tried is the one at `path`
  });
  fc.check(property, { seed: options.seed, path: options.path, numRuns: 1, endOnFailure: true, ...sourceParams(source) });
  if (!found) throw new Error(`no case at path ${options.path}`);
  return found;
}
