/**
 * Exploration: fast-check generates cases (a plan and a sim seed) for a scenario and runs each.
 * Phase one runs every case and notes, per property, the first case that violates it. Phase two
 * shrinks each violated property on its own: the same seed regenerates the same cases, so a check
 * of that property alone fails at the same case and fast-check shrinks it to a minimal plan, with
 * the seed and path that replay it.
 */
import fc from 'fast-check';
import { planArbitrary, type PlanOptions } from './arbitraries.ts';
import { historyHash, type HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { runSim, runSimChecked } from './runner.ts';
import type { PropertyName, Violation } from '../properties/index.ts';

export interface ExploreOptions extends PlanOptions {
  runs: number;
  seed: number;
  /** Stop generating new cases after this long (shrinking still completes). */
  timeLimitMs?: number;
  checkDeterminism?: boolean;
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

/** A generated case: the plan and the seed of the sim's randomness. */
export type Case = [plan: Plan, simSeed: number];

export function caseArbitrary(config: RunConfig, options: PlanOptions): fc.Arbitrary<Case> {
  return fc.tuple(planArbitrary(config.scenario, options), fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })));
}

export function explore(config: RunConfig, options: ExploreOptions): ExploreResult {
  const run = options.checkDeterminism ? runSimChecked : runSim;
  const arbitrary = caseArbitrary(config, options);
  const first = new Map<PropertyName, { run: number; events: number }>();
  let runs = 0;
  const survey = fc.property(arbitrary, ([plan, simSeed]) => {
    runs++;
    for (const v of run(config, plan, simSeed).violations) {
      if (!first.has(v.property)) first.set(v.property, { run: runs, events: plan.length });
    }
  });
  const start = performance.now();
  const details = fc.check(survey, {
    numRuns: options.runs,
    seed: options.seed,
    ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false } : {}),
  });
  if (details.failed) throw details.errorInstance; // the survey never fails: only a harness bug lands here
  const surveyMs = performance.now() - start;

  const failures: Failure[] = [];
  for (const property of config.properties) {
    const found = first.get(property);
    if (found) failures.push(shrink(config, arbitrary, property, options.seed, found));
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
      return { property, violated: f !== undefined, ...(f ? { firstFailureRun: f.run } : {}) };
    }),
    failures,
  };
}

/** Shrinks the first case that violates `property` to a minimal one. */
function shrink(
  config: RunConfig, arbitrary: fc.Arbitrary<Case>, property: PropertyName, seed: number, found: { run: number; events: number },
): Failure {
  const only: RunConfig = { ...config, properties: [property] };
  const start = performance.now();
  const details = fc.check(
    fc.property(arbitrary, ([plan, simSeed]) => runSim(only, plan, simSeed).violations.length === 0),
    { seed, numRuns: found.run },
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
  let found: Case | undefined;
  const property = fc.property(caseArbitrary(config, options), (c) => {
    found = c;
    return false; // the first value tried is the one at `path`
  });
  fc.check(property, { seed: options.seed, path: options.path, numRuns: 1, endOnFailure: true });
  if (!found) throw new Error(`no case at path ${options.path}`);
  return found;
}
