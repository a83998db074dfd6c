/**
 * One run: play a plan on a target, then judge its history with the configured properties.
 * The history is the only thing that crosses from running to checking.
 */
import { historyHash, type HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { simulate } from './targets/sim/simulate.ts';
import { checkProperties, type PropertyName, type Violation } from '../properties/index.ts';
import { NondeterminismError } from './errors.ts';

export interface RunResult {
  history: HistoryRecord[];
  violations: Violation[];
}

export function runSim(config: RunConfig, plan: Plan, seed: number): RunResult {
  const history = simulate(config, plan, seed);
  return { history, violations: checkProperties(history, config.properties) };
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

/**
 * What exploration keeps of one case: the properties it violated, each once, in the order they
 * were checked. The one function both the in-process survey and the sim workers run per case.
 */
export function violatedProperties(
  config: RunConfig,
  plan: Plan,
  seed: number,
  checkDeterminism: boolean,
): PropertyName[] {
  return distinctProperties((checkDeterminism ? runSimChecked : runSim)(config, plan, seed).violations);
}

/** The properties that `violations` name, each once, in order of first appearance. */
export function distinctProperties(violations: readonly Violation[]): PropertyName[] {
  return violations.length === 0 ? [] : [...new Set(violations.map((v) => v.property))];
}
