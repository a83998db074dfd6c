/**
 * Runs per second as reports print it: whole numbers from 10 up, two significant figures below
 * (a real target with a user's program may take seconds per run, and "0 runs/s" says nothing).
 */
export function runsPerSecond(runs: number, elapsedMs: number): number {
  const rate = (runs * 1000) / Math.max(1, elapsedMs);
  return rate >= 10 ? Math.round(rate) : Number(rate.toPrecision(2));
}
