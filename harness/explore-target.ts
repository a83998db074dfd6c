/**
 * Exploration on a real target (process, external): the same cases and bookkeeping as the sim's
 * explore(), each case played on the target in real time. Shrinking a real run is slow and noisy,
 * so a failure is shrunk on the sim when the sim sees it too (a plan means the same thing on every
 * target) and the shrunk plan is then confirmed on the target, which reports how often it
 * reproduces. Otherwise it is shrunk on the target itself, within a time budget.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { shrinkOnSim } from './sim-shrink.ts';
import { startAt } from './case-params.ts';
import { Tally } from './tally.ts';
import type { ExploreOptions, ExploreResult, Failure } from './explore-result.ts';
import { historyHash } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { distinctProperties, judgeRun, type RunResult } from './runner.ts';
import { caseSource, type CaseSource } from './strategies/index.ts';
import type { Target } from './targets/target.ts';
import type { CommandOutput } from './clients/command-client.ts';
import type { PropertyName } from '../properties/index.ts';

export interface TargetExploreOptions extends ExploreOptions {
  /** Whether the sim can stand in for the target while shrinking (not for a --client-cmd program
   *  or a client that needs real sockets). */
  shrinkOnSim: boolean;
  /** How many times a shrunk plan is run again on the target to say how often it reproduces. */
  confirmRuns: number;
  /** Time budget for shrinking on the target itself. */
  shrinkTimeLimitMs: number;
}

/** A run's history and violations, with what a --client-cmd program printed. */
type TargetRun = RunResult & { clientOutputs: CommandOutput[] };

async function runOn(target: Target, config: RunConfig, plan: Plan, simSeed: number): Promise<TargetRun> {
  const history = await target.run(config, plan, simSeed);
  return { ...judgeRun(history, config.properties), clientOutputs: target.artifacts?.().clientOutputs ?? [] };
}

export async function exploreTarget(
  target: Target,
  config: RunConfig,
  options: TargetExploreOptions,
): Promise<ExploreResult> {
  const source = caseSource(config, options);
  const tally = new Tally(config, options);
  const firstRuns = new Map<PropertyName, Sample>();
  const survey = fc.asyncProperty(source.arbitrary, async ([plan, simSeed]) => {
    const result = await runOn(target, config, plan, simSeed);
    for (const v of result.violations)
      if (!firstRuns.has(v.property)) firstRuns.set(v.property, { plan, simSeed, result });
    tally.cover(result.history);
    return tally.note(plan, distinctProperties(result.violations), result.unknown);
  });
  tally.checkDetails(await fc.check(survey, tally.checkParams(source)));
  const surveyMs = tally.elapsedMs();
  const failures: Failure[] = [];
  for (const property of config.properties) {
    const found = tally.first.get(property);
    if (!found) continue;
    const only: RunConfig = { ...config, properties: [property] };
    const start = performance.now();
    const failure =
      (options.shrinkOnSim ? await shrinkOnSimAndConfirm(target, only, source, options, found) : undefined) ??
      (await shrinkOnTarget(target, only, source, options, found, firstRuns.get(property)!));
    failures.push({ ...failure, shrinkMs: Math.round(performance.now() - start) });
  }
  return tally.result(target.name, surveyMs, failures);
}

type Found = { run: number; events: number };
/** A case with what it did on the target. */
type Sample = { plan: Plan; simSeed: number; result: TargetRun };

/** Shrinks on the sim and confirms the shrunk plan on the target; undefined when either does not see it fail. */
async function shrinkOnSimAndConfirm(
  target: Target,
  only: RunConfig,
  source: CaseSource,
  options: TargetExploreOptions,
  found: Found,
): Promise<Failure | undefined> {
  const shrunk = shrinkOnSim(only, source, options.seed, found.run);
  if (!shrunk) return undefined; // the sim does not see this race
  const { plan, simSeed, path } = shrunk;
  let reproduced = 0;
  let shown: TargetRun | undefined;
  for (let i = 0; i < options.confirmRuns; i++) {
    const result = await runOn(target, only, plan, simSeed);
    if (result.violations.length === 0) continue;
    reproduced++;
    shown ??= result;
  }
  if (!shown) return undefined; // the shrunk plan does not fail on the target: shrink there instead
  return failureOf(soleProperty(only), shown, {
    seed: options.seed,
    path,
    events: found.events,
    plan,
    simSeed,
    reproduced: { runs: options.confirmRuns, failed: reproduced },
    shrunkOn: 'sim',
  });
}

async function shrinkOnTarget(
  target: Target,
  only: RunConfig,
  source: CaseSource,
  options: TargetExploreOptions,
  found: Found,
  original: Sample,
): Promise<Failure> {
  let last: Sample | undefined;
  const property = fc.asyncProperty(source.arbitrary, async ([plan, simSeed]) => {
    const result = await runOn(target, only, plan, simSeed);
    if (result.violations.length > 0) last = { plan, simSeed, result };
    return result.violations.length === 0;
  });
  const details = await fc.check(property, {
    ...startAt(source, options.seed, found.run),
    interruptAfterTimeLimit: options.shrinkTimeLimitMs,
  });
  // A race that did not happen again is reported as first seen, unshrunk: once in two runs.
  const shown = last ?? original;
  return failureOf(soleProperty(only), shown.result, {
    seed: options.seed,
    path: last ? (details.counterexamplePath ?? String(found.run - 1)) : String(found.run - 1),
    events: found.events,
    plan: shown.plan,
    simSeed: shown.simSeed,
    shrunkOn: target.name,
    ...(last ? {} : { reproduced: { runs: 2, failed: 1 } }),
  });
}

function failureOf(
  property: PropertyName,
  result: TargetRun,
  at: {
    seed: number;
    path: string;
    events: number;
    plan: Plan;
    simSeed: number;
    reproduced?: Failure['reproduced'];
    shrunkOn: string;
  },
): Failure {
  return {
    property,
    seed: at.seed,
    path: at.path,
    events: at.events,
    shrunkEvents: at.plan.length,
    plan: at.plan,
    simSeed: at.simSeed,
    historyHash: historyHash(result.history),
    violations: result.violations,
    history: result.history,
    shrinkMs: 0,
    shrunkOn: at.shrunkOn,
    ...(at.reproduced ? { reproduced: at.reproduced } : {}),
    ...(result.clientOutputs.length ? { clientOutputs: result.clientOutputs } : {}),
  };
}

/** The one property a shrinking config judges (shrinking goes one property at a time). */
function soleProperty(only: RunConfig): PropertyName {
  const [property] = only.properties;
  assert(property !== undefined && only.properties.length === 1, 'shrinking judges one property at a time');
  return property;
}
