/**
 * One detection attempt: explore a must-fail scenario with one strategy (or the fast-check
 * baseline) from one seed until every property it expects violated has been violated, then shrink.
 * What counts is how many runs and how long that took, and how short the shrunk plans are.
 */
import fc from 'fast-check';
import { explore } from '../harness/explore.ts';
import type { PlanEvent } from '../harness/plan.ts';
import type { RunConfig } from '../harness/run-config.ts';
import type { StrategyName } from '../harness/strategies/names.ts';
import type { PropertyName } from '../properties/property.ts';
import { baselineProperty } from './baseline/model-based.ts';

export interface Attempt {
  /** Every must-fail property was violated within the budget. */
  found: boolean;
  /** Runs until the last of them was first violated. */
  runs?: number;
  ms?: number;
  /** Shrunk plan length of each property found. */
  shrunk: Partial<Record<PropertyName, number>>;
  /** Time spent shrinking, all properties together. */
  shrinkMs: number;
}

/** `config.properties` must be the scenario's must-fail properties. */
export function attemptStrategy(
  config: RunConfig,
  strategy: StrategyName,
  seed: number,
  maxRuns: number,
  shrink = true,
): Attempt {
  const result = explore(config, { runs: maxRuns, seed, strategy, stopWhenAllViolated: true, shrink });
  const found = result.properties.every((p) => p.violated);
  return {
    found,
    ...(found
      ? {
          runs: Math.max(...result.properties.map((p) => p.firstFailureRun!)),
          ms: Math.max(...result.properties.map((p) => p.firstFailureMs!)),
        }
      : {}),
    shrunk: Object.fromEntries(result.failures.map((f) => [f.property, f.shrunkEvents])),
    shrinkMs: result.failures.reduce((n, f) => n + f.shrinkMs, 0),
  };
}

/** The baseline checks one property at a time, as fc.assert would; the same seed gives every check
 *  the same cases, so the runs to failure are comparable with one survey of all properties. */
export function attemptBaseline(config: RunConfig, seed: number, maxRuns: number, shrink = true): Attempt {
  const attempt: Attempt = { found: true, runs: 0, ms: 0, shrunk: {}, shrinkMs: 0 };
  for (const property of config.properties) {
    let runs = 0;
    let first: { runs: number; ms: number } | undefined;
    let smallest: readonly PlanEvent[] = [];
    const start = performance.now();
    const details = fc.check(
      baselineProperty(config, property, (played, held) => {
        runs++;
        if (held) return;
        first ??= { runs, ms: performance.now() - start };
        smallest = played; // the last failing run is the shrunk counterexample
      }),
      { seed, numRuns: maxRuns, endOnFailure: !shrink },
    );
    if (!details.failed || !first) {
      attempt.found = false;
      continue;
    }
    attempt.runs = Math.max(attempt.runs!, first.runs);
    attempt.ms = Math.max(attempt.ms!, first.ms);
    attempt.shrunk[property] = smallest.length;
    attempt.shrinkMs += performance.now() - start - first.ms;
  }
  if (!attempt.found) return { found: false, shrunk: attempt.shrunk, shrinkMs: attempt.shrinkMs };
  return { ...attempt, ms: Math.round(attempt.ms!), shrinkMs: Math.round(attempt.shrinkMs) };
}
