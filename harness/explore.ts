/**
 * Exploration: fast-check generates cases (a plan and a sim seed) for a scenario, as the chosen
 * strategy draws them (harness/strategies/: random by default), and runs each.
 * Phase one runs every case and notes, per property, the first case that violates it. Phase two
 * shrinks each violated property on its own: the same seed regenerates the same cases, so a check
 * of that property alone fails at the same case and fast-check shrinks it to a minimal plan, with
 * the seed and path that replay it. explore-on-workers.ts runs phase one on worker threads with
 * the same result.
 */
import fc from 'fast-check';
import type { RunConfig } from './run-config.ts';
import { caseOptionsOf, outcomeOf, runCase } from './runner.ts';
import { caseSource, type CaseSource } from './strategies/index.ts';
import type { ExploreOptions, ExploreResult, Failure } from './explore-result.ts';
import { Tally } from './tally.ts';
import { shrinkFailure } from './sim-shrink.ts';

export function explore(config: RunConfig, options: ExploreOptions): ExploreResult {
  const caseOptions = caseOptionsOf(options);
  const source = caseSource(config, options);
  const tally = new Tally(config, options);
  const survey = fc.property(source.arbitrary, (c) => {
    const [plan, simSeed] = c;
    // A strategy that steers by coverage already ran the case (never with --check-determinism).
    const ran = caseOptions.checkDeterminism ? undefined : source.resultOf?.(c);
    return tally.noteOutcome(plan, ran ? outcomeOf(ran, caseOptions) : runCase(config, plan, simSeed, caseOptions));
  });
  tally.checkDetails(fc.check(survey, tally.checkParams(source)));
  return shrinkFound(config, source, options, tally);
}

/** Phase two: shrinks the first violation of each property phase one found, and sums it all up. */
export function shrinkFound(
  config: RunConfig,
  source: CaseSource,
  options: ExploreOptions,
  tally: Tally,
): ExploreResult {
  const surveyMs = tally.elapsedMs();
  const failures: Failure[] = [];
  for (const property of config.properties) {
    const found = tally.first.get(property);
    if (found && options.shrink !== false) failures.push(shrinkFailure(config, source, property, options.seed, found));
  }
  return tally.result('sim', surveyMs, failures);
}
