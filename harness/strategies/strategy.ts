/**
 * A strategy decides which cases (a plan and a sim seed) exploration runs, and in what order.
 * Every strategy is a fast-check arbitrary, so `explore` runs, shrinks and replays them all the
 * same way: a case is found again from the exploration's seed and fast-check's path. A strategy
 * that computes its cases itself (coverage) hands them over as fast-check `examples`,
 * which fast-check runs first and numbers from 0, so the path's first number is the case's index.
 */
import fc from 'fast-check';
import type { Plan } from '../plan.ts';
import type { RunConfig } from '../run-config.ts';
import type { Scenario } from '../scenario.ts';
import type { StrategyName } from './names.ts';
import type { RunResult } from '../runner.ts';

/** A generated case: the plan and the seed of the sim's randomness. */
export type Case = [plan: Plan, simSeed: number];

export interface CaseSourceOptions {
  /** Longest plan, bootstrap included (default: the scenario's maxEvents). */
  maxEvents?: number;
  /** Weights to use instead of the scenario's. */
  weights?: Scenario['weights'];
  /** The exploration's fast-check seed (enumerating strategies derive their sim seeds from it). */
  seed: number;
  /** How many cases the exploration will run (enumerating strategies build no more than this). */
  runs: number;
  /** The exploration's time limit: an enumerating strategy stops enumerating when it passes. */
  timeLimitMs?: number;
}

export interface CaseSource {
  /** Generates and shrinks cases. */
  arbitrary: fc.Arbitrary<Case>;
  /** Cases to run first, in this order, before any generated one; path "i" replays examples[i]. */
  examples?: readonly Case[];
  /** The strategy has no more cases than this (an enumeration that ran out). */
  maxRuns?: number;
  /** One line for the report: why these cases stop short of the strategy's whole space. */
  note?: string;
  /** The sim run of a case, when the strategy already ran it to choose the next (coverage): explore
   *  uses it instead of running the case again. */
  resultOf?: (c: Case) => RunResult | undefined;
}

export interface Strategy {
  name: StrategyName;
  /** One line, for usage and reports. */
  summary: string;
  cases(config: RunConfig, options: CaseSourceOptions): CaseSource;
}

/** Pairs generated plans with a sim seed. The seed never shrinks: shrinking is about the plan, and
 *  a plan that fails with one seed may hold with another. */
export function withSimSeed(plans: fc.Arbitrary<Plan>): fc.Arbitrary<Case> {
  return fc.tuple(plans, fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })));
}
