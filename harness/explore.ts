/**
 * Exploration: fast-check generates plans for a scenario, runs each on the sim, and shrinks the
 * first failing plan to a minimal one. A failure is reported with the seed and path that replay it.
 */
import fc from 'fast-check';
import { planArbitrary, type PlanOptions } from './arbitraries.ts';
import { historyHash, type HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { runSim, runSimChecked, type RunResult } from './runner.ts';
import type { PropertyName, Violation } from '../properties/index.ts';

export interface ExploreOptions extends PlanOptions {
  runs: number;
  seed: number;
  /** Stop generating new plans after this long (shrinking still completes). */
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
  /** The sim seed of the counterexample (part of the generated value). */
  simSeed: number;
  historyHash: string;
  violations: Violation[];
  history: HistoryRecord[];
}

export interface ExploreResult {
  scenario: string;
  target: string;
  runs: number;
  seed: number;
  verdict: 'pass' | 'fail';
  runsPerSecond: number;
  elapsedMs: number;
  /** Runs up to and including the first failure (all runs when none failed). */
  runsToFailure?: number;
  shrinkMs?: number;
  failures: Failure[];
}

/** A generated case: the plan and the seed of the sim's randomness. */
export type Case = [plan: Plan, simSeed: number];

export function caseArbitrary(config: RunConfig, options: PlanOptions): fc.Arbitrary<Case> {
  return fc.tuple(planArbitrary(config.scenario, options), fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })));
}

export function explore(config: RunConfig, options: ExploreOptions): ExploreResult {
  const run = options.checkDeterminism ? runSimChecked : runSim;
  let firstFailureEvents: number | undefined;
  let firstFailureAt = 0;
  const property = fc.property(caseArbitrary(config, options), ([plan, simSeed]) => {
    const failed = run(config, plan, simSeed).violations.length > 0;
    if (failed && firstFailureEvents === undefined) {
      firstFailureEvents = plan.length;
      firstFailureAt = performance.now();
    }
    return !failed;
  });
  const start = performance.now();
  const details = fc.check(property, {
    numRuns: options.runs,
    seed: options.seed,
    ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false } : {}),
  });
  const end = performance.now();
  if (details.errorInstance instanceof Error && !details.counterexample) throw details.errorInstance;
  const failures: Failure[] = [];
  if (details.failed && details.counterexample) {
    const [[plan, simSeed]] = details.counterexample;
    const result = runSim(config, plan, simSeed);
    failures.push(...toFailures(result, {
      seed: details.seed, path: details.counterexamplePath ?? '', events: firstFailureEvents ?? plan.length, plan, simSeed,
    }));
  }
  const generationEnd = firstFailureEvents !== undefined ? firstFailureAt : end;
  const runs = details.failed ? details.numRuns : details.numRuns + details.numSkips;
  return {
    scenario: config.scenario.name,
    target: 'sim',
    runs,
    seed: details.seed,
    verdict: failures.length > 0 ? 'fail' : 'pass',
    runsPerSecond: Math.round(runs / Math.max(1e-3, (generationEnd - start) / 1000)),
    elapsedMs: Math.round(end - start),
    ...(details.failed ? { runsToFailure: details.numRuns, shrinkMs: Math.round(end - generationEnd) } : {}),
    failures,
  };
}

/** Replays exactly one case: the counterexample at `path` of the run with `seed`. */
export function replayCase(config: RunConfig, options: PlanOptions & { seed: number; path: string }): Case {
  let found: Case | undefined;
  const property = fc.property(caseArbitrary(config, options), (c) => {
    found = c;
    return false; // stop at the first value: the one at `path`
  });
  fc.check(property, { seed: options.seed, path: options.path, numRuns: 1, endOnFailure: true });
  if (!found) throw new Error(`no case at path ${options.path}`);
  return found;
}

export function toFailures(
  result: RunResult,
  at: { seed: number; path: string; events: number; plan: Plan; simSeed: number },
): Failure[] {
  const hash = historyHash(result.history);
  const byProperty = new Map<PropertyName, Violation[]>();
  for (const v of result.violations) byProperty.set(v.property, [...(byProperty.get(v.property) ?? []), v]);
  return [...byProperty].map(([property, violations]) => ({
    property, seed: at.seed, path: at.path, events: at.events, shrunkEvents: at.plan.length, plan: at.plan,
    simSeed: at.simSeed, historyHash: hash, violations, history: result.history,
  }));
}
