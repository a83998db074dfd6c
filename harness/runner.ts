/**
 * One run: play a plan on a target, then judge its history with the configured properties.
 * The history is the only thing that crosses from running to checking.
 */
import { caseCoverage, type Coverage } from './coverage.ts';
import { historyHash, type HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { simulate } from './targets/sim/simulate.ts';
import {
  judgeProperties,
  violationsOf,
  type PropertyName,
  type StallLoad,
  type UnknownResult,
  type Violation,
} from '../properties/index.ts';
import { recordsStalls } from '../properties/stall.ts';
import { NondeterminismError } from './errors.ts';

export interface RunResult {
  history: HistoryRecord[];
  violations: Violation[];
  /** The properties that could not judge this run (e.g. it never reached quiescence), with why. */
  unknown: UnknownResult[];
  /** A run that recorded its stalls (a real target's): the most of its stall budget any deadline
   *  that decided something used (properties' StallLoad; past 1, that deadline was not judged). */
  stallLoad?: number;
}

/** Judges a history with the named properties. */
export function judgeRun(history: HistoryRecord[], properties: readonly PropertyName[]): RunResult {
  const load: StallLoad | undefined = recordsStalls(history) ? { max: 0 } : undefined;
  const results = judgeProperties(history, properties, load);
  return {
    history,
    violations: violationsOf(results),
    unknown: results.filter((r): r is UnknownResult => r.verdict === 'unknown'),
    ...(load ? { stallLoad: load.max } : {}),
  };
}

export function runSim(config: RunConfig, plan: Plan, seed: number): RunResult {
  return judgeRun(simulate(config, plan, seed), config.properties);
}

/** Runs twice and insists on the same history hash (TigerBeetle's determinism check). */
export function runSimChecked(config: RunConfig, plan: Plan, seed: number): RunResult {
  const first = runSim(config, plan, seed);
  const second = simulate(config, plan, seed);
  const a = historyHash(first.history);
  const b = historyHash(second);
  if (a !== b) {
    throw new NondeterminismError(`nondeterminism: seed ${seed} gave history ${a} then ${b} for the same plan`);
  }
  return first;
}

/** What exploration asks of each case besides its verdicts. */
export interface CaseOptions {
  /** Run it twice and insist on the same history (runSimChecked). */
  checkDeterminism: boolean;
  /** Keep its coverage (coverage.ts). */
  coverage: boolean;
}

export function caseOptionsOf(options: { checkDeterminism?: boolean; coverage?: boolean }): CaseOptions {
  return { checkDeterminism: options.checkDeterminism ?? false, coverage: options.coverage ?? false };
}

/** What exploration keeps of one case: the properties it violated (each once, in the order they
 *  were checked), those that could not judge it and, when asked, its coverage. Plain data, so a
 *  worker thread can send it. */
export interface CaseOutcome {
  violated: PropertyName[];
  unknown: UnknownResult[];
  coverage?: Coverage;
}

/** Runs one case on the sim: the one function the in-process survey and the sim workers share. */
export function runCase(config: RunConfig, plan: Plan, seed: number, options: CaseOptions): CaseOutcome {
  return outcomeOf((options.checkDeterminism ? runSimChecked : runSim)(config, plan, seed), options);
}

export function outcomeOf(result: RunResult, options: CaseOptions): CaseOutcome {
  const outcome = { violated: distinctProperties(result.violations), unknown: result.unknown };
  return options.coverage ? { ...outcome, coverage: caseCoverage(result.history) } : outcome;
}

/** The properties that `violations` name, each once, in order of first appearance. */
export function distinctProperties(violations: readonly Violation[]): PropertyName[] {
  return violations.length === 0 ? [] : [...new Set(violations.map((v) => v.property))];
}
