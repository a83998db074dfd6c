/**
 * How fast-check is told to see a strategy's cases: the case arbitrary, the parameters that start
 * at a given case, and the examples an enumerating strategy supplies.
 */
import type fc from 'fast-check';
import type { PlanOptions } from './arbitraries.ts';
import type { RunConfig } from './run-config.ts';
import { caseSource, type Case, type CaseSource } from './strategies/index.ts';
import { UsageError } from './errors.ts';
import { lazyExamples } from './strategies/lazy-examples.ts';

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
  return { seed, path: String(run - 1), numRuns: 1, ...sourceParams(source, run) };
}

/**
 * fast-check parameters that make a check see the source's cases: its examples first, if any,
 * read lazily (lazy-examples.ts). A replay of a path gives `upTo`, the number of examples it may
 * need: fast-check reads every example before walking a path.
 */
export function sourceParams(source: CaseSource, upTo?: number): { examples?: [Case][] } {
  const examples = source.examples;
  if (!examples) return {};
  const length = Math.min(upTo ?? Infinity, examples.length);
  return { examples: lazyExamples(length, (i): [Case] => [examples[i]!]) };
}
