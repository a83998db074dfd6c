/**
 * A seed drawn from the clock is non-negative (a negative one works, but reads like a mistake in a
 * replay line); --seed still takes any 32-bit integer the user gives.
 */
import { describe, expect, it } from 'vitest';
import { drawnSeed, seedFlag } from '../../harness/cli/options.ts';

describe('--seed', () => {
  it('draws non-negative 32-bit seeds at any clock reading', () => {
    const now = Date.parse('2026-11-27T13:27:00Z');
    const readings = Array.from({ length: 1000 }, (_, i) => i * 999_983);
    // Half the clock's nanosecond readings made a negative seed before (the trial drew -618419459).
    expect(readings.some((ns) => ((now ^ (ns << 7)) | 0) < 0)).toBe(true);
    for (const ns of readings) {
      const seed = drawnSeed(now, ns);
      expect(Number.isInteger(seed) && seed >= 0 && seed <= 0x7fffffff, `ns ${ns}: ${seed}`).toBe(true);
    }
    expect(seedFlag(undefined)).toBeGreaterThanOrEqual(0);
  });

  it('keeps any 32-bit integer the user gives, negative ones too', () => {
    expect(seedFlag('-618419459')).toBe(-618419459);
    expect(seedFlag('-2147483648')).toBe(-0x80000000);
    expect(seedFlag('2147483647')).toBe(0x7fffffff);
  });
});
