/**
 * The data of an exploration: the options it takes and the result it returns. Reports and the CLI
 * import these types without importing the explorer (as fast-check's reporter/RunDetails.ts).
 */
import type { CommandOutput } from './clients/command-client.ts';
import type { PlanOptions } from './arbitraries.ts';
import type { HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import type { Coverage } from './coverage.ts';
import type { PropertyName, PropertyVerdict, Violation } from '../properties/index.ts';

export interface ExploreOptions extends PlanOptions {
  runs: number;
  seed: number;
  /** Stop generating new cases after this long (shrinking still completes). */
  timeLimitMs?: number;
  checkDeterminism?: boolean;
  /** End phase one as soon as every property has been violated once (the bench's time to failure). */
  stopWhenAllViolated?: boolean;
  /** Shrink what phase one found (default true; the bench's deep-bug section only counts runs). */
  shrink?: boolean;
  /** Add up what the cases reached (harness/coverage.ts) into the result's `coverage`. */
  coverage?: boolean;
}

export interface Failure {
  property: PropertyName;
  /** Real targets: how often the reported plan failed when run again on the target. */
  reproduced?: { runs: number; failed: number };
  /** Where the plan was shrunk: the sim (fast, exact) or the target itself. */
  shrunkOn?: string;
  /** A --client-cmd program's output in the reported run. */
  clientOutputs?: CommandOutput[];
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
  /** violated if any case violated it; else unknown if it could not judge some case; else held. */
  verdict: PropertyVerdict;
  violated: boolean;
  /** 1-based index of the first violating case. */
  firstFailureRun?: number;
  /** Milliseconds from the start of phase one to the end of that case. */
  firstFailureMs?: number;
  /** How many of the cases run violated it (phase one only). */
  violatingRuns?: number;
  /** How many cases it could not judge, and why the first could not be (phase one only). */
  unknownRuns?: number;
  unknownReason?: string;
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
  /** With options.coverage: what phase one's cases reached, added up. */
  coverage?: Coverage;
  /** Lines the report must show: cases a strategy or the time limit left out, say. */
  notes?: string[];
}
