/**
 * The stall probe of real-time runs (harness/lag-probe.ts): a window keeps every stall long enough
 * to count, in its run's model time, not just the longest; two processes' stalls are joined so that
 * time both lost counts once. A fake series of looks drives the window; one test busy-loops this
 * process and asserts only what the busy loop guarantees (the loop did not run for that long).
 */
import { describe, expect, it } from 'vitest';
import type { Stall } from '../../harness/history.ts';
import { COUNTED_STALL_MS, LagWindow, openLagWindow, unionStalls } from '../../harness/lag-probe.ts';

/** A window whose run started at performance.now() = 0, played at time scale 0.02 (1 real ms = 50 model ms). */
function windowAt(timeScale = 0.02): LagWindow {
  return new LagWindow({ originEpochMs: performance.timeOrigin, timeScale }, () => {});
}

describe('a lag window', () => {
  it('keeps every stall that counts, in model time, and the longest', () => {
    const w = windowAt();
    // Looks late by 30 ms three times (a loop busy with other runs), and by under the threshold once.
    w.note(100, 30);
    w.note(140, COUNTED_STALL_MS / 2);
    w.note(200, 30);
    w.note(300, 45);
    expect(w.stalls()).toEqual([
      [3_500, 1_500],
      [8_500, 1_500],
      [12_750, 2_250],
    ]);
    expect(w.maxMs).toBe(45);
  });

  it('sums neighbours when a run stalls more often than it can keep, losing no stalled time', () => {
    const w = windowAt(1);
    const looks = 10_000;
    for (let i = 1; i <= looks; i++) w.note(i * 20, 5);
    const stalls = w.stalls();
    expect(stalls.length).toBeLessThan(looks);
    expect(stalls.reduce((sum, [, ms]) => sum + ms, 0)).toBe(looks * 5);
  });

  it('sees this process stalled for at least as long as a busy loop held it', async () => {
    const w = openLagWindow({ originEpochMs: performance.timeOrigin, timeScale: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the probe has looked once at least
    const busyMs = 120;
    const end = performance.now() + busyMs;
    while (performance.now() < end) {
      // nothing else runs: that is the stall
    }
    await new Promise((resolve) => setTimeout(resolve, 30)); // the probe's next look sees it
    w.close();
    // The probe looks every 10 ms: the look after the loop is at least busyMs - 10 ms late.
    expect(Math.max(...w.stalls().map(([, ms]) => ms))).toBeGreaterThanOrEqual(busyMs - 10);
  });
});

describe('the union of two processes’ stalls', () => {
  it('counts time both stalled once, and keeps time order', () => {
    const harness: Stall[] = [
      [100, 50],
      [400, 10],
    ];
    const controller: Stall[] = [
      [0, 20],
      [120, 60],
      [150, 10],
    ];
    expect(unionStalls(harness, controller)).toEqual([
      [0, 20],
      [100, 80],
      [400, 10],
    ]);
    expect(unionStalls([], [])).toEqual([]);
  });
});
