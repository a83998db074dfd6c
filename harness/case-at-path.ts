import fc from 'fast-check';
import type { PlanOptions } from './arbitraries.ts';
import type { RunConfig } from './run-config.ts';
import { caseSource, type Case } from './strategies/index.ts';
import { sourceParams } from './case-params.ts';
import { UsageError } from './errors.ts';
import { DEFAULT_STRATEGY } from './strategies/names.ts';

/** The case at `path` of the exploration with `seed`: what `replay --seed --path` runs. */
export function caseAtPath(config: RunConfig, options: PlanOptions & { seed: number; path: string }): Case {
  const index = Number(options.path.split(':')[0]);
  const source = caseSource(config, { ...options, runs: index + 1 });
  if (source.examples && index >= source.examples.length) {
    throw new UsageError(
      `--path ${options.path}: the ${options.strategy} strategy has only ${source.examples.length} cases here`,
    );
  }
  let found: Case | undefined;
  const property = fc.property(source.arbitrary, (c) => {
    found = c;
    return false; // the first value tried is the one at `path`
  });
  try {
    fc.check(property, {
      seed: options.seed,
      path: options.path,
      numRuns: 1,
      endOnFailure: true,
      ...sourceParams(source, index + 1),
    });
  } catch {
    found = undefined; // fast-check could not walk the path: the same answer as finding nothing there
  }
  if (!found)
    throw new UsageError(
      `--path ${options.path}: no case there for seed ${options.seed} and the ${options.strategy ?? DEFAULT_STRATEGY} strategy (paste the --seed, --path and --strategy run printed)`,
    );
  return found;
}
