/**
 * The cases of an exploration, drawn up front: exactly the ones, in the same order, that a
 * fast-check survey with the same seed and parameters would run one by one. Explorations that run
 * cases concurrently (real targets with --concurrency) take them from here, so seeds, paths and
 * first failures mean the same as in a one-at-a-time survey: case i here is path "i-1" there.
 */
import fc from 'fast-check';
import type { Case, CaseSource } from './strategies/index.ts';
import { sourceParams } from './case-params.ts';

/** The first `count` cases of the exploration with `seed` over `source` (fewer if it has fewer). */
export function caseList(source: CaseSource, seed: number, count: number): Case[] {
  const cases: Case[] = [];
  const collect = fc.property(source.arbitrary, (c) => {
    cases.push(c);
    return true;
  });
  fc.check(collect, { seed, numRuns: Math.min(count, source.maxRuns ?? Infinity), ...sourceParams(source) });
  return cases;
}
