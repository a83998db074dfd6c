import assert from 'node:assert';
import type fc from 'fast-check';
import { runsPerSecond } from './rate.ts';
import type { Plan } from './plan.ts';
import { caseCoverage, emptyCoverage, mergeCoverage, type Coverage } from './coverage.ts';
import type { History } from './history.ts';
import type { RunConfig } from './run-config.ts';
import type { CaseOutcome } from './runner.ts';
import type { Case, CaseSource } from './strategies/index.ts';
import type { ExploreOptions, ExploreResult, Failure, Shard, StoppedEarly } from './explore-result.ts';
import { sourceParams } from './case-params.ts';
import type { PropertyName, UnknownResult } from '../properties/index.ts';
import { judgeOutcome } from '../reports/expectation.ts';

/** The first case that violated a property: its 1-based run number in the unsharded sequence. */
export interface FirstViolation {
  run: number;
  events: number;
  ms: number;
  plan: Plan;
  simSeed: number;
}

/** Whether the shard runs the case at `index` (0-based, in the unsharded sequence): k mod n; every
 *  case when there is no shard. */
export function inShard(shard: Shard | undefined, index: number): boolean {
  return shard === undefined || index % shard.count === shard.index - 1;
}

/** Why phase one ended before its last case. */
export type StopReason = 'all-violated' | 'first-failure' | 'time-limit' | 'interrupted';

/**
 * Phase one's bookkeeping, shared by the sim's exploration and the real targets' (explore-target.ts):
 * which cases belong to this shard, when to stop (every property violated, time limit, interrupt),
 * and per property the first violating case and how many cases violated it, and how many cases it
 * could not judge (with the first reason).
 */
export class Tally {
  readonly first = new Map<PropertyName, FirstViolation>();
  private readonly violating = new Map<PropertyName, number>();
  private readonly unknown = new Map<PropertyName, { runs: number; reason: string; run: number }>();
  /** Cases run (this shard's) and noted, in case order. */
  runs = 0;
  /** Cases that finished, noted or not yet (finish()), and the properties they violated: a real
   *  target's runs finish out of case order, and the progress line counts each as it ends. */
  private finished = 0;
  private readonly violatedSoFar = new Set<PropertyName>();
  /** Cases seen, run or skipped: the 0-based index of the next case in the unsharded sequence. */
  private seen = 0;
  stopped: StopReason | undefined;
  private readonly start = performance.now();
  private readonly coverage: Coverage | undefined;
  private source: CaseSource | undefined;

  constructor(
    private readonly config: RunConfig,
    private readonly options: ExploreOptions,
  ) {
    if (options.coverage) this.coverage = emptyCoverage();
  }

  /** Adds one case's coverage when the exploration asked for it. */
  cover(history: History): void {
    if (this.coverage) mergeCoverage(this.coverage, caseCoverage(history));
  }

  /** The cases phase one tries at most (before any time limit). */
  plannedCases(source: CaseSource): number {
    return Math.min(this.options.runs, source.maxRuns ?? Infinity);
  }

  /** The cases this shard means to run (all of them unsharded), before any time limit. */
  private shardRuns(): number {
    const planned = this.source ? this.plannedCases(this.source) : this.options.runs;
    const shard = this.options.shard;
    return shard ? Math.ceil(planned / shard.count) : planned;
  }

  /** Set when --time-limit, not the count, ended phase one: the report must say so. */
  private stoppedEarly(): StoppedEarly | undefined {
    const { timeLimitMs } = this.options;
    if (this.stopped !== 'time-limit' || timeLimitMs === undefined || this.runs >= this.shardRuns()) return undefined;
    return { reason: 'time-limit', timeLimitMs, plannedRuns: this.shardRuns() };
  }

  /** Counts the next case; its 0-based index when this shard runs it, undefined when another shard does. */
  take(): number | undefined {
    const index = this.seen++;
    return this.owns(index) ? index : undefined;
  }

  /** Whether this shard runs the case at `index` (0-based, in the unsharded sequence): k mod n. */
  owns(index: number): boolean {
    return inShard(this.options.shard, index);
  }

  /** Notes one case the sim ran, in-process or on a worker (its coverage already taken there).
   *  A worker sends a case only where it may be a first violation: see note. */
  noteOutcome(index: number, c: Case | undefined, outcome: CaseOutcome): boolean {
    if (this.coverage && outcome.coverage) mergeCoverage(this.coverage, outcome.coverage);
    return this.note(index, c, outcome.violated, outcome.unknown);
  }

  /** Notes the case at `index`: the properties it violated (each once) and those that could not
   *  judge it; false when exploration should stop. The case itself is kept only when it is a
   *  property's first violation: it may be left out when it cannot be (messages.ts NotableCase). */
  note(
    index: number,
    c: Case | undefined,
    violated: readonly PropertyName[],
    unknown: readonly UnknownResult[] = [],
  ): boolean {
    this.runs++;
    for (const u of unknown) {
      const seen = this.unknown.get(u.property);
      if (seen) seen.runs++;
      else this.unknown.set(u.property, { runs: 1, reason: u.reason, run: index + 1 });
    }
    for (const property of violated) {
      this.violating.set(property, (this.violating.get(property) ?? 0) + 1);
      this.violatedSoFar.add(property);
      if (this.first.has(property)) continue;
      assert(c, `Tally: case ${index} is the first to violate ${property} and came without its plan`);
      const [plan, simSeed] = c;
      this.first.set(property, { run: index + 1, events: plan.length, ms: this.elapsedMs(), plan, simSeed });
    }
    this.progress();
    this.stopped ??= this.stopReason();
    return this.stopped === undefined;
  }

  /**
   * A case finished before it could be noted (cases before it in case order still run): the
   * progress line shows it, and a property it violated, at once. It is noted later, in case order.
   */
  finish(violated: readonly PropertyName[]): void {
    this.finished++;
    for (const property of violated) this.violatedSoFar.add(property);
    this.progress();
  }

  private progress(): void {
    this.options.onProgress?.({
      scenario: this.config.scenario.name,
      runs: Math.max(this.runs, this.finished),
      plannedRuns: this.shardRuns(),
      failures: this.violatedSoFar.size,
      elapsedMs: this.elapsedMs(),
      ...(this.options.timeLimitMs !== undefined ? { timeLimitMs: this.options.timeLimitMs } : {}),
    });
  }

  /** Real milliseconds left before --time-limit (0 once passed); undefined without one. */
  timeLeftMs(): number | undefined {
    const { timeLimitMs } = this.options;
    return timeLimitMs === undefined ? undefined : Math.max(0, Math.ceil(timeLimitMs - this.elapsedMs()));
  }

  /** Whether to stop before the next case (checked between cases too: an interrupt may come any time). */
  stopReason(): StopReason | undefined {
    if (this.options.signal?.aborted) return 'interrupted';
    if (this.options.timeLimitMs !== undefined && this.elapsedMs() >= this.options.timeLimitMs) return 'time-limit';
    if (this.options.stopWhenAllViolated && this.config.properties.every((p) => this.first.has(p)))
      return 'all-violated';
    if (this.failedForStop()) return 'first-failure';
    return undefined;
  }

  /** Whether a case noted so far fails as --stop-on-failure means it (ExploreOptions.stopOnFailure). */
  private failedForStop(): boolean {
    const { stopOnFailure } = this.options;
    if (stopOnFailure === undefined || this.first.size === 0) return false;
    const { expect } = this.config.scenario;
    for (const property of this.first.keys())
      if (judgeOutcome(stopOnFailure, property, expect[property], 'violated', false) === 'differs') return true;
    return false;
  }

  get interrupted(): boolean {
    return this.options.signal?.aborted === true;
  }

  /** Phase one explores `source`: the cases it tries at most (before any time limit). */
  begin(source: CaseSource): number {
    this.source = source;
    return this.plannedCases(source);
  }

  /** fast-check parameters of the survey of `source` (begin). */
  checkParams(source: CaseSource): fc.Parameters<[Case]> {
    return {
      numRuns: this.begin(source),
      seed: this.options.seed,
      // The survey's predicate fails only to stop early (or on a harness error): never shrink it.
      endOnFailure: true,
      ...sourceParams(source),
    };
  }

  /** The survey fails only when told to stop; anything else is a harness (or target) error. */
  checkDetails(details: fc.RunDetails<[Case]>): void {
    if (details.failed && this.stopped === undefined) throw details.errorInstance;
  }

  elapsedMs(): number {
    return performance.now() - this.start;
  }

  result(target: string, surveyMs: number, failures: Failure[]): ExploreResult {
    const stoppedEarly = this.stoppedEarly();
    return {
      scenario: this.config.scenario.name,
      target,
      runs: this.runs,
      seed: this.options.seed,
      verdict: failures.length > 0 || this.first.size > 0 ? 'fail' : this.runs === 0 ? 'none' : 'pass',
      runsPerSecond: runsPerSecond(this.runs, surveyMs),
      elapsedMs: Math.round(this.elapsedMs()),
      properties: this.config.properties.map((property) => {
        const f = this.first.get(property);
        const u = this.unknown.get(property);
        return {
          property,
          verdict: f ? 'violated' : u ? 'unknown' : 'held',
          violated: f !== undefined,
          violatingRuns: this.violating.get(property) ?? 0,
          ...(f ? { firstFailureRun: f.run, firstFailureMs: Math.round(f.ms) } : {}),
          ...(u ? { unknownRuns: u.runs, unknownReason: u.reason, firstUnknownRun: u.run } : {}),
        };
      }),
      failures: this.inOrderFound(failures),
      ...(this.coverage ? { coverage: this.coverage } : {}),
      ...(this.notes().length > 0 ? { notes: this.notes() } : {}),
      ...(this.interrupted ? { interrupted: true } : {}),
      ...(stoppedEarly ? { stoppedEarly } : {}),
    };
  }

  /** Failures in the order the exploration met them: by the run that first violated each property,
   *  then in property order (the order of the scenario's properties, not of the shrinking). */
  private inOrderFound(failures: Failure[]): Failure[] {
    const run = (f: Failure) => this.first.get(f.property)?.run ?? Infinity;
    const rank = (f: Failure) => this.config.properties.indexOf(f.property);
    return [...failures].sort((a, b) => run(a) - run(b) || rank(a) - rank(b));
  }

  /** What the report must say about cases left out: the strategy's note, and an enumeration the
   *  time limit cut before all its cases ran. */
  private notes(): string[] {
    const notes = this.source?.note !== undefined ? [this.source.note] : [];
    const planned = this.source?.examples?.length ?? 0;
    if (this.stopped === 'time-limit' && this.runs < Math.min(planned, this.options.runs))
      notes.push(`stopped at --time-limit after ${this.runs} of the ${planned} cases enumerated`);
    return notes;
  }
}
