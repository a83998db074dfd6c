import type fc from 'fast-check';
import type { Plan } from './plan.ts';
import { caseCoverage, emptyCoverage, mergeCoverage, type Coverage } from './coverage.ts';
import type { History } from './history.ts';
import type { RunConfig } from './run-config.ts';
import type { CaseOutcome } from './runner.ts';
import type { Case, CaseSource } from './strategies/index.ts';
import type { ExploreOptions, ExploreResult, Failure } from './explore-result.ts';
import { sourceParams } from './case-params.ts';
import type { PropertyName, UnknownResult } from '../properties/index.ts';

/**
 * Phase one's bookkeeping, shared by the sim's exploration and the real targets' (explore-target.ts):
 * per property, the first violating case and how many cases violated it, and how many cases it
 * could not judge (with the first reason).
 */
export class Tally {
  readonly first = new Map<PropertyName, { run: number; events: number; ms: number }>();
  private readonly violating = new Map<PropertyName, number>();
  private readonly unknown = new Map<PropertyName, { runs: number; reason: string }>();
  runs = 0;
  allViolated = false;
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

  /** Notes one case the sim ran, in-process or on a worker (its coverage already taken there). */
  noteOutcome(plan: Plan, outcome: CaseOutcome): boolean {
    if (this.coverage && outcome.coverage) mergeCoverage(this.coverage, outcome.coverage);
    return this.note(plan, outcome.violated, outcome.unknown);
  }

  /** Notes one case: the properties it violated (each once) and those that could not judge it;
   *  false when exploration should stop (every property violated). */
  note(plan: Plan, violated: readonly PropertyName[], unknown: readonly UnknownResult[] = []): boolean {
    this.runs++;
    for (const u of unknown) {
      const seen = this.unknown.get(u.property);
      if (seen) seen.runs++;
      else this.unknown.set(u.property, { runs: 1, reason: u.reason });
    }
    for (const property of violated) {
      this.violating.set(property, (this.violating.get(property) ?? 0) + 1);
      if (!this.first.has(property))
        this.first.set(property, { run: this.runs, events: plan.length, ms: performance.now() - this.start });
    }
    this.allViolated =
      this.options.stopWhenAllViolated === true && this.config.properties.every((p) => this.first.has(p));
    return !this.allViolated;
  }

  /** fast-check parameters of the survey over `source`. */
  checkParams(source: CaseSource): fc.Parameters<[Case]> {
    this.source = source;
    return {
      numRuns: Math.min(this.options.runs, source.maxRuns ?? Infinity),
      seed: this.options.seed,
      // The survey's predicate fails only to stop early (or on a harness error): never shrink it.
      endOnFailure: true,
      ...sourceParams(source),
      ...(this.options.timeLimitMs !== undefined
        ? { interruptAfterTimeLimit: this.options.timeLimitMs, markInterruptAsFailure: false }
        : {}),
    };
  }

  /** The survey fails only when told to stop early; anything else is a harness (or target) error. */
  checkDetails(details: fc.RunDetails<[Case]>): void {
    if (details.failed && !this.allViolated) throw details.errorInstance;
  }

  elapsedMs(): number {
    return performance.now() - this.start;
  }

  result(target: string, surveyMs: number, failures: Failure[]): ExploreResult {
    return {
      scenario: this.config.scenario.name,
      target,
      runs: this.runs,
      seed: this.options.seed,
      verdict: failures.length > 0 || this.first.size > 0 ? 'fail' : 'pass',
      runsPerSecond: Math.round(this.runs / Math.max(1e-3, surveyMs / 1000)),
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
          ...(u ? { unknownRuns: u.runs, unknownReason: u.reason } : {}),
        };
      }),
      failures,
      ...(this.coverage ? { coverage: this.coverage } : {}),
      ...(this.notes().length > 0 ? { notes: this.notes() } : {}),
    };
  }

  /** What the report must say about cases left out: the strategy's note, and an enumeration the
   *  time limit cut before all its cases ran. */
  private notes(): string[] {
    const notes = this.source?.note !== undefined ? [this.source.note] : [];
    const planned = this.source?.examples?.length ?? 0;
    if (this.runs < Math.min(planned, this.options.runs) && !this.allViolated)
      notes.push(`stopped at --time-limit after ${this.runs} of the ${planned} cases enumerated`);
    return notes;
  }
}
