/**
 * How fast-check is told to see a strategy's cases: the case arbitrary, the parameters that start
 * at a given case, and the examples an enumerating strategy supplies.
 */
import type fc from 'fast-check';
import type { PlanOptions } from './arbitraries.ts';
import type { RunConfig } from './run-config.ts';
import { caseSource, type Case, type CaseSource } from './strategies/index.ts';
import { UsageError } from './errors.ts';

export type { Case } from './strategies/index.ts';

/** The arbitrary of a sampling strategy (random unless options.strategy says otherwise). */
export function caseArbitrary(config: RunConfig, options: PlanOptions): fc.Arbitrary<Case> {
  const source = caseSource(config, { ...options, seed: 0, runs: 0 });
  if (source.examples)
    throw new UsageError(`the ${options.strategy} strategy enumerates its cases: use explore() or caseSource()`);
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
