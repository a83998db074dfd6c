/**
 * Exploration: fast-check generates cases (a plan and a sim seed) for a scenario, as the chosen
 * strategy draws them (harness/strategies/: random by default), and runs each.
 * Phase one runs every case and notes, per property, the first case that violates it. Phase two
 * shrinks each violated property on its own: the same seed regenerates the same cases, so a check
 * of that property alone fails at the same case and fast-check shrinks it to a minimal plan, with
 * the seed and path that replay it.
 */
import fc from 'fast-check';
import type { CommandOutput } from './clients/command-client.ts';
import type { PlanOptions } from './arbitraries.ts';
import { historyHash, type HistoryRecord } from './history.ts';
import type { Plan } from './plan.ts';
import { UsageError, type RunConfig } from './run-config.ts';
import { runSim, runSimChecked } from './runner.ts';
import { caseSource, type Case, type CaseSource } from './strategies/index.ts';
import type { PropertyName, Violation } from '../properties/index.ts';

export interface ExploreOptions extends PlanOptions {
  runs: number;
  seed: number;
  /** Stop generating new cases after this long (shrinking still completes). */
  timeLimitMs?: number;
  checkDeterminism?: boolean;
  /** End phase one as soon as every property has been violated once (the bench's time to failure). */
  stopWhenAllViolated?: boolean;
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
  violated: boolean;
  /** 1-based index of the first violating case. */
  firstFailureRun?: number;
  /** Milliseconds from the start of phase one to the end of that case. */
  firstFailureMs?: number;
  /** How many of the cases run violated it (phase one only). */
  violatingRuns?: number;
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

export type { Case } from './strategies/index.ts';

/** The arbitrary of a sampling strategy (random unless options.strategy says otherwise). */
export function caseArbitrary(config: RunConfig, options: PlanOptions): fc.Arbitrary<Case> {
  const source = caseSource(config, { ...options, seed: 0, runs: 0 });
  if (source.examples) throw new UsageError(`the ${options.strategy} strategy enumerates its cases: use explore() or caseSource()`);
  return source.arbitrary;
}

/** fast-check parameters that run exactly the `run`-th case (1-based) of the exploration with
 *  `seed`, and shrink from there if it fails: fast-check's path is the case's 0-based index. */
export function startAt(source: CaseSource, seed: number, run: number): fc.Parameters<[Case]> {
  return { seed, path: String(run - 1), numRuns: 1, ...sourceParams(source) };
}

/** fast-check parameters that make a check see the source's cases: its examples first, if any. */
export function sourceParams(source: CaseSource): { examples?: [Case][] } {
  return source.examples ? { examples: source.examples.map((c): [Case] => [c]) } : {};
}

/**
 * Phase one's bookkeeping, shared by the sim's exploration and the real targets' (explore-target.ts):
 * per property, the first violating case and how many cases violated it.
 */
export class Tally {
  readonly first = new Map<PropertyName, { run: number; events: number; ms: number }>();
  private readonly violating = new Map<PropertyName, number>();
  runs = 0;
  allViolated = false;
  private readonly start = performance.now();

  constructor(private readonly config: RunConfig, private readonly options: ExploreOptions) {}

  /** Notes one case's violations; false when exploration should stop (every property violated). */
  note(plan: Plan, violations: readonly Violation[]): boolean {
    this.runs++;
    for (const property of new Set(violations.map((v) => v.property))) {
      this.violating.set(property, (this.violating.get(property) ?? 0) + 1);
      if (!this.first.has(property)) this.first.set(property, { run: this.runs, events: plan.length, ms: performance.now() - this.start });
    }
    this.allViolated = this.options.stopWhenAllViolated === true && this.config.properties.every((p) => this.first.has(p));
    return !this.allViolated;
  }

  /** fast-check parameters of the survey over `source`. */
  checkParams(source: CaseSource): fc.Parameters<[Case]> {
    return {
      numRuns: Math.min(this.options.runs, source.maxRuns ?? Infinity),
      seed: this.options.seed,
      // The survey's predicate fails only to stop early (or on a harness error): never shrink it.
      endOnFailure: true,
      ...sourceParams(source),
      ...(this.options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: this.options.timeLimitMs, markInterruptAsFailure: false } : {}),
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
      verdict: failures.length > 0 ? 'fail' : 'pass',
      runsPerSecond: Math.round(this.runs / Math.max(1e-3, surveyMs / 1000)),
      elapsedMs: Math.round(this.elapsedMs()),
      properties: this.config.properties.map((property) => {
        const f = this.first.get(property);
        return {
          property, violated: f !== undefined, violatingRuns: this.violating.get(property) ?? 0,
          ...(f ? { firstFailureRun: f.run, firstFailureMs: Math.round(f.ms) } : {}),
        };
      }),
      failures,
    };
  }
}

export function explore(config: RunConfig, options: ExploreOptions): ExploreResult {
  const run = options.checkDeterminism ? runSimChecked : runSim;
  const source = caseSource(config, options);
  const tally = new Tally(config, options);
  const survey = fc.property(source.arbitrary, ([plan, simSeed]) => tally.note(plan, run(config, plan, simSeed).violations));
  tally.checkDetails(fc.check(survey, tally.checkParams(source)));
  const surveyMs = tally.elapsedMs();
  const failures: Failure[] = [];
  for (const property of config.properties) {
    const found = tally.first.get(property);
    if (found) failures.push(shrink(config, source, property, options.seed, found));
  }
  return tally.result('sim', surveyMs, failures);
}

/**
 * Shrinks, on the sim, the `run`-th case of the exploration with `seed` for the one property `only`
 * judges; undefined when the sim does not see that case fail. Shared by the sim's exploration and
 * the real targets' (which confirm the result on the target).
 */
export function shrinkOnSim(only: RunConfig, source: CaseSource, seed: number, run: number): { plan: Plan; simSeed: number; path: string } | undefined {
  const details = fc.check(
    fc.property(source.arbitrary, ([plan, simSeed]) => runSim(only, plan, simSeed).violations.length === 0),
    startAt(source, seed, run),
  );
  if (!details.failed || !details.counterexample) return undefined;
  const [[plan, simSeed]] = details.counterexample;
  return { plan, simSeed, path: details.counterexamplePath ?? '' };
}

/** Shrinks the first case that violates `property` to a minimal one. */
function shrink(
  config: RunConfig, source: CaseSource, property: PropertyName, seed: number, found: { run: number; events: number },
): Failure {
  const only: RunConfig = { ...config, properties: [property] };
  const start = performance.now();
  const shrunk = shrinkOnSim(only, source, seed, found.run);
  const shrinkMs = Math.round(performance.now() - start);
  if (!shrunk) throw new Error(`could not reproduce the violation of ${property} at run ${found.run} of seed ${seed}`);
  const { plan, simSeed, path } = shrunk;
  const result = runSim(only, plan, simSeed);
  return {
    property, seed, path, events: found.events, shrunkEvents: plan.length, plan, simSeed,
    historyHash: historyHash(result.history), violations: result.violations, history: result.history, shrinkMs,
  };
}

/** The case at `path` of the exploration with `seed`: what `replay --seed --path` runs. */
export function caseAtPath(config: RunConfig, options: PlanOptions & { seed: number; path: string }): Case {
  const index = Number(options.path.split(':')[0]);
  const source = caseSource(config, { ...options, runs: index + 1 });
  if (source.examples && index >= source.examples.length) {
    throw new UsageError(`--path ${options.path}: the ${options.strategy} strategy has only ${source.examples.length} cases here`);
  }
  let found: Case | undefined;
  const property = fc.property(source.arbitrary, (c) => {
    found = c;
    return false; // the first value tried is the one at `path`
  });
  fc.check(property, { seed: options.seed, path: options.path, numRuns: 1, endOnFailure: true, ...sourceParams(source) });
  if (!found) throw new Error(`no case at path ${options.path}`);
  return found;
}
