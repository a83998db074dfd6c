/** Model timestamps are formatted by hand (model-state.ts rfc3339): they must read exactly as
 *  Date.toISOString writes them, across seconds, hours and days, in any order of calls. */
import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../harness/controller/model-state.ts';

const iso = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

describe('rfc3339', () => {
  it('writes what toISOString writes', () => {
    const times = [0, 1, 999, 1000, 59_999, 60_000, 3_599_999, 3_600_000, 86_399_999, 86_400_000, 86_400_001];
    for (let ms = 7; ms < 3 * 86_400_000; ms += 7_919_993) times.push(ms, ms + 1, ms);
    for (const ms of [...times, ...times.reverse()]) expect(rfc3339(ms)).toBe(iso(ms));
  });

  it('rounds fractional times and clamps negative ones to the start', () => {
    expect(rfc3339(1234.6)).toBe(iso(1235));
    expect(rfc3339(-5)).toBe(iso(0));
  });
});
