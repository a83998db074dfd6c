/**
 * One run: play a plan on a target, then judge its history with the configured properties.
 * The history is the only thing that crosses from running to checking.
 */
import { historyHash, type HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { simulate } from './targets/sim/simulate.ts';
import {
  judgeProperties,
  violationsOf,
  type PropertyName,
  type UnknownResult,
  type Violation,
} from '../properties/index.ts';
import { NondeterminismError } from './errors.ts';

export interface RunResult {
  history: HistoryRecord[];
  violations: Violation[];
  /** The properties that could not judge this run (e.g. it never reached quiescence), with why. */
  unknown: UnknownResult[];
}

/** Judges a history with the named properties. */
export function judgeRun(history: HistoryRecord[], properties: readonly PropertyName[]): RunResult {
  const results = judgeProperties(history, properties);
  return {
    history,
    violations: violationsOf(results),
    unknown: results.filter((r): r is UnknownResult => r.verdict === 'unknown'),
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
