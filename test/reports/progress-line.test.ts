/** The progress line and reported speed on a slow real target: a user's program may take seconds
 *  per run, and "0 runs/s" with no ETA told a new user nothing. */
import { describe, expect, it } from 'vitest';
import { runsPerSecond } from '../../harness/rate.ts';
import { formatProgress } from '../../reports/progress-line.ts';

describe('runs per second', () => {
  it('is whole from 10 up and keeps two significant figures below', () => {
    expect(runsPerSecond(1500, 1000)).toBe(1500);
    expect(runsPerSecond(123, 10_000)).toBe(12);
    expect(runsPerSecond(95, 10_000)).toBe(9.5);
    expect(runsPerSecond(3, 11_000)).toBe(0.27);
    expect(runsPerSecond(0, 5000)).toBe(0);
  });

  it('shows a slow target its speed and an ETA', () => {
    const line = formatProgress({ scenario: 's', runs: 3, plannedRuns: 20, failures: 1, elapsedMs: 12_000 });
    expect(line).toBe('s · 3/20 runs · 0.25 runs/s · 1 failure · elapsed 12.0s · ETA 68.0s');
  });
});
