/**
 * Twenty attempts (one per seed) summed up as one figure, the shape bench/results.json keeps so CI
 * can track it over time. A seed that did not find every must-fail property within the budget
 * counts as "never" (Infinity): a median or worst that lands on one is null.
 */
import type { Attempt } from './detection.ts';

export interface Fig {
  strategy: string;
  medianRunsToFailure: number | null;
  worstRunsToFailure: number | null;
  medianMsToFailure: number | null;
  /** Longest shrunk plan over every seed and property. */
  shrunkEvents: number | null;
  /** Median time spent shrinking per seed. */
  shrinkMs: number | null;
  /** Seeds that found every must-fail property, e.g. "20/20". */
  found: string;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const m = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return Number.isFinite(m) ? m : null;
}

function worst(values: readonly number[]): number | null {
  const w = Math.max(...values);
  return Number.isFinite(w) ? w : null;
}

export function figure(strategy: string, attempts: readonly Attempt[]): Fig {
  const found = attempts.filter((a) => a.found).length;
  const shrunk = attempts.flatMap((a) => Object.values(a.shrunk) as number[]);
  return {
    strategy,
    medianRunsToFailure: median(attempts.map((a) => a.runs ?? Infinity)),
    worstRunsToFailure: worst(attempts.map((a) => a.runs ?? Infinity)),
    medianMsToFailure: median(attempts.map((a) => a.ms ?? Infinity)),
    shrunkEvents: shrunk.length > 0 ? Math.max(...shrunk) : null,
    shrinkMs: median(attempts.map((a) => a.shrinkMs)),
    found: `${found}/${attempts.length}`,
  };
}

const foundCount = (f: Fig): number => Number(f.found.split('/')[0]);
const orInfinity = (n: number | null): number => n ?? Infinity;

/** The better of two figures: more seeds found, then fewer runs (median, then worst), then less time. */
export function better(a: Fig, b: Fig): Fig {
  const key = (f: Fig): number[] => [
    -foundCount(f),
    orInfinity(f.medianRunsToFailure),
    orInfinity(f.worstRunsToFailure),
    orInfinity(f.medianMsToFailure),
  ];
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? a : b;
  return a;
}

/** baseline / best, on median runs to failure (how many times fewer runs we need). */
export function speedup(best: Fig, baseline: Fig): number | null {
  if (best.medianRunsToFailure === null) return null;
  if (baseline.medianRunsToFailure === null) return Infinity;
  return baseline.medianRunsToFailure / best.medianRunsToFailure;
}
