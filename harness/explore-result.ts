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
import type { Judged } from '../reports/expectation.ts';

/** Which of n disjoint slices of the cases this run takes: case k runs in shard (k mod count) + 1. */
export interface Shard {
  /** 1-based, as in `--shard 2/4`. */
  index: number;
  count: number;
}

/** What the exploration says while it runs (for the progress line). */
export interface ExploreProgress {
  scenario: string;
  /** Cases run so far (this shard's only). */
  runs: number;
  /** Cases this exploration means to run at most (before any time limit). */
  plannedRuns: number;
  /** Properties violated so far. */
  failures: number;
  elapsedMs: number;
  /** Set when the run ends on time rather than on a count. */
  timeLimitMs?: number;
}

export interface ExploreOptions extends PlanOptions {
  runs: number;
  seed: number;
  /** Stop generating new cases after this long (shrinking still completes). */
  timeLimitMs?: number;
  checkDeterminism?: boolean;
  /** End phase one as soon as every property has been violated once (the bench's time to failure). */
  stopWhenAllViolated?: boolean;
  /** End phase one at the first case, in case order, that fails the run as it is judged
   *  (--stop-on-failure: a CI job, runs to first failure; cli/settings-flags.ts stopOnFailureOf);
   *  what it found is shrunk as usual. `properties` (run --scenario): any violation; `expectations`
   *  (qualify, a corpus run): one of a property the scenario expects to hold (an expected violation
   *  is what it looks for); `client-command` (run --client-cmd): any but one the scenario expects of
   *  its controller (not the program's doing). The one rule: reports/expectation.ts judgeOutcome. */
  stopOnFailure?: Judged;
  /** Shrink what phase one found (default true; the bench's deep-bug section only counts runs). */
  shrink?: boolean;
  /** Add up what the cases reached (harness/coverage.ts) into the result's `coverage`. */
  coverage?: boolean;
  /** Run only this shard's cases; the union of every shard's cases is the unsharded run. */
  shard?: Shard;
  /** Aborted (an interrupt): stop between cases, skip what is left of shrinking, report what was found. */
  signal?: AbortSignal;
  /** Called after every case. */
  onProgress?: (progress: ExploreProgress) => void;
  /** What a run in flight is doing or waiting for (real targets, whose runs may take minutes). */
  onStatus?: (line: string) => void;
}

/** How often a plan failed when it was run again on a real target. */
export interface Reproduction {
  runs: number;
  failed: number;
}

/** What every failure carries: the counterexample, what it did and how to find it again. */
interface FailureCase {
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

/** Found and shrunk on the sim: exact, and its history comes back byte for byte on replay. */
export interface SimFailure extends FailureCase {
  shrunkOn: 'sim';
}

/** Found on a real target, shrunk on the sim (which sees the same race), then confirmed on the target. */
export interface ConfirmedFailure extends FailureCase {
  shrunkOn: 'sim-then-target';
  target: string;
  reproduced: Reproduction;
  /** A --client-cmd program's output in the reported run (empty for built-in clients). */
  clientOutputs: CommandOutput[];
}

/** Found on a real target and shrunk there, within a time budget. */
export interface TargetShrunkFailure extends FailureCase {
  shrunkOn: 'target';
  target: string;
  /** Set when the race did not come back while shrinking: the plan as first seen, and how rarely. */
  reproduced?: Reproduction;
  /** Set when shrinking ran out of its time budget (--shrink-time) with candidates left: the plan is
   *  the smallest failing one found by then. */
  shrinkTimedOut?: { limitMs: number };
  /** Set when an interrupt (SIGINT, SIGTERM) stopped shrinking with candidates left, under a budget of
   *  `limitMs`: the plan is the smallest failing one found by then, partly shrunk as above (trial 13). */
  shrinkInterrupted?: { limitMs: number };
  clientOutputs: CommandOutput[];
}

/** Not shrunk: a replay, a corpus entry run again, or a case an interrupt left unshrunk. */
export interface UnshrunkFailure extends FailureCase {
  shrunkOn: 'none';
  target: string;
  /** Why it was not shrunk. */
  reason: 'replay' | 'corpus' | 'interrupted';
  reproduced?: Reproduction;
  clientOutputs: CommandOutput[];
}

/** A property's counterexample: one variant per way it was found and shrunk (as fast-check's RunDetails). */
export type Failure = SimFailure | ConfirmedFailure | TargetShrunkFailure | UnshrunkFailure;

/** The output of a --client-cmd program, where the failure has one. */
export function clientOutputsOf(f: Failure): CommandOutput[] {
  return f.shrunkOn === 'sim' ? [] : f.clientOutputs;
}

/**
 * What to say of a shrink its time budget or an interrupt cut short, e.g. "shrinking stopped after
 * 120 s at 7 of 11 events; rerun with --shrink-time 240 to shrink further"; undefined when shrinking ended.
 */
export function shrinkStopped(f: Failure): string | undefined {
  if (f.shrunkOn !== 'target') return undefined;
  if (f.shrinkInterrupted) return `shrinking stopped by an interrupt at ${f.shrunkEvents} of ${f.events} events`;
  if (!f.shrinkTimedOut) return undefined;
  const seconds = Math.round(f.shrinkTimedOut.limitMs / 1000);
  return `shrinking stopped after ${seconds} s at ${f.shrunkEvents} of ${f.events} events; rerun with --shrink-time ${seconds * 2} to shrink further`;
}

/** The same as data, as --json, summary.json and failure.json carry it (`limitMs`: the budget in force). */
export function shrinkStoppedJson(f: Failure): { limitMs: number; message: string } | undefined {
  const message = shrinkStopped(f);
  const cut = f.shrunkOn === 'target' ? (f.shrinkInterrupted ?? f.shrinkTimedOut) : undefined;
  return message !== undefined && cut ? { limitMs: cut.limitMs, message } : undefined;
}

/** How often the failure came back on the target, where that was measured. */
export function reproductionOf(f: Failure): Reproduction | undefined {
  return f.shrunkOn === 'sim' ? undefined : f.reproduced;
}

export interface PropertyOutcome {
  property: PropertyName;
  /** violated if any case violated it; else unknown if it could not judge some case; else held. */
  verdict: PropertyVerdict;
  violated: boolean;
  /** 1-based index of the first violating case (in the unsharded sequence of cases). */
  firstFailureRun?: number;
  /** Milliseconds from the start of phase one to the end of that case. */
  firstFailureMs?: number;
  /** How many of the cases run violated it (phase one only). */
  violatingRuns?: number;
  /** How many cases it could not judge, and why the first could not be (phase one only). */
  unknownRuns?: number;
  unknownReason?: string;
  /** 1-based index of that first case it could not judge (in the unsharded sequence of cases). */
  firstUnknownRun?: number;
}

/** What a replay line needs to find a case again: the property, the exploration's seed and the path. */
export type ReplayCase = Pick<Failure, 'property' | 'seed' | 'path'>;

/** The first case `outcome` could not judge, as `replay --seed --path` finds it (a phase-one case's
 *  path is its 0-based index, as a violation's before shrinking). */
export function firstUnknownCase(seed: number, outcome: PropertyOutcome): ReplayCase | undefined {
  if (outcome.firstUnknownRun === undefined) return undefined;
  return { property: outcome.property, seed, path: String(outcome.firstUnknownRun - 1) };
}

/** An exploration's verdict (see ExploreResult.verdict). */
export type ExploreVerdict = 'pass' | 'fail' | 'none';

export interface ExploreResult {
  scenario: string;
  target: string;
  /** Cases run in phase one. */
  runs: number;
  seed: number;
  /** `none`: no run completed and nothing was found (an interrupt, or --time-limit, before the first
   *  run ended): there is no evidence for a pass. */
  verdict: ExploreVerdict;
  runsPerSecond: number;
  elapsedMs: number;
  properties: PropertyOutcome[];
  failures: Failure[];
  /** With options.coverage: what phase one's cases reached, added up. */
  coverage?: Coverage;
  /** Lines the report must show: cases a strategy or the time limit left out, say. */
  notes?: string[];
  /** An interrupt stopped it: `runs` is what was done, and failures may be unshrunk. */
  interrupted?: boolean;
  /** With a client program (--client-cmd, or a scenario's own): the runs in which it was started. It
   *  starts at a plan's first deploy, so a plan without one tests the controller alone. */
  programRuns?: number;
  /** `--time-limit` ended phase one before the cases it planned: `runs` of `plannedRuns` ran. */
  stoppedEarly?: StoppedEarly;
}

/** Why and where phase one stopped short of its planned cases (other than an interrupt). */
export interface StoppedEarly {
  reason: 'time-limit';
  timeLimitMs: number;
  /** The cases this exploration (this shard) meant to run. */
  plannedRuns: number;
}
