/**
 * The progress line: counts after each run, and what a run in flight waits for (a real target's
 * run may take minutes) until the next run ends.
 */
import { describe, expect, it } from 'vitest';
import { progressSink, type ProgressClock } from '../../harness/cli/progress.ts';
import { exploreTarget } from '../../harness/explore-target.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import type { Target } from '../../harness/targets/target.ts';
import { scenarioByName } from '../../scenarios/index.ts';

/** A terminal that keeps what was written (the sink redraws at most every 100 ms there). */
function terminal() {
  const written: string[] = [];
  const stream = { isTTY: true, columns: 200, write: (text: string) => written.push(text) };
  return { stream: stream as unknown as NodeJS.WriteStream, written };
}
/** A clock moved by hand: `advance` fires the ticks that fall due, in order. */
function fakeClock() {
  let nowMs = 0;
  const timers = new Set<{ intervalMs: number; nextMs: number; tick: () => void }>();
  const clock: ProgressClock = {
    nowMs: () => nowMs,
    every: (intervalMs, tick) => {
      const timer = { intervalMs, nextMs: nowMs + intervalMs, tick };
      timers.add(timer);
      return () => timers.delete(timer);
    },
  };
  const advance = (ms: number): void => {
    const endMs = nowMs + ms;
    for (;;) {
      const due = [...timers].filter((t) => t.nextMs <= endMs).sort((a, b) => a.nextMs - b.nextMs)[0];
      if (!due) break;
      nowMs = due.nextMs;
      due.nextMs += due.intervalMs;
      due.tick();
    }
    nowMs = endMs;
  };
  return { clock, advance, timers };
}
const pastInterval = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));
const progress = { scenario: 'juju-1.24-gated-api', runs: 2, plannedRuns: 10, failures: 0, elapsedMs: 60_000 };

describe('progress line', () => {
  it('shows what the run in flight waits for after the counts, until the next run ends', async () => {
    const { stream, written } = terminal();
    const sink = progressSink(stream);
    await pastInterval();
    sink.onProgress(progress);
    await pastInterval();
    sink.onStatus('run 3: waiting for client-0 to settle, 1m20s of at most 10m30s (deploy and resume deadlines)');
    expect(written.at(-1)).toMatch(/2\/10 runs .* · run 3: waiting for client-0 to settle, 1m20s of at most 10m30s/);
    await pastInterval();
    sink.onProgress({ ...progress, runs: 3 });
    expect(written.at(-1)).toMatch(/3\/10 runs/);
    expect(written.at(-1)).not.toMatch(/waiting/);
  });

  it('ticks elapsed time and the ETA while a run is in flight, and leaves no timer once erased', () => {
    const { stream, written } = terminal();
    const { clock, advance, timers } = fakeClock();
    const sink = progressSink(stream, true, clock);
    advance(1_000);
    sink.onProgress(progress); // 2 of 10 runs in 60 s
    const first = written.at(-1)!;
    expect(first).toMatch(/elapsed 60\.0s · ETA 242\.4s$/);
    advance(30_000); // no run ends meanwhile
    const later = written.at(-1)!;
    expect(later).toMatch(/elapsed 90\.0s · ETA 363\.6s$/); // the average rate fell: more time left
    expect(later).toMatch(/0\.022 runs\/s/);
    advance(200); // past the 100 ms between redraws
    sink.onProgress({ ...progress, runs: 3, elapsedMs: 90_200 });
    expect(written.at(-1)).toMatch(/3\/10 runs .* elapsed 90\.2s/);
    sink.clear();
    expect(timers.size).toBe(0);
    const count = written.length;
    advance(10_000);
    expect(written.length).toBe(count); // nothing drawn once erased
  });

  it('ticks a time limit down on its own', () => {
    const { stream, written } = terminal();
    const { clock, advance } = fakeClock();
    const sink = progressSink(stream, true, clock);
    advance(1_000);
    sink.onProgress({ ...progress, runs: 0, elapsedMs: 0, timeLimitMs: 600_000 });
    expect(written.at(-1)).toMatch(/elapsed 0ms · ETA 600\.0s$/);
    advance(5_000);
    expect(written.at(-1)).toMatch(/elapsed 5\.0s · ETA 595\.0s$/);
    sink.clear();
  });

  it('shows a status before any run has ended', async () => {
    const { stream, written } = terminal();
    const sink = progressSink(stream);
    await pastInterval();
    sink.onStatus('run 1: removing mysql left by earlier runs (3 s)');
    expect(written.at(-1)).toBe('\r\x1b[2Krun 1: removing mysql left by earlier runs (3 s)');
  });

  it('counts a failure on a real target as soon as a run shows it, not when the runs before it in case order end', async () => {
    // With runs in flight, the longest of those drawn start first: case 1 (a short one at seed 3)
    // started after some 200 others on the process target, and the progress line said nothing of the
    // failure it found for a minute on a loaded machine. The sim, behind the same path, counts its runs.
    // At seed 41 case 1 fails and starts late (seed 3's case 1 no longer fails since faults tied to
    // client activity joined the default weights, nor seed 49's since upgrades tied to it did).
    const sim = createSimTarget();
    let finished = 0;
    const counted: Target = { ...sim, run: (...args) => sim.run(...args).finally(() => finished++) };
    const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!, {});
    const seen: { runs: number; failures: number; finished: number }[] = [];
    const result = await exploreTarget(counted, config, {
      runs: 300,
      seed: 41,
      shrinkOnSim: true,
      confirmRuns: 1,
      shrinkTimeLimitMs: 60_000,
      concurrency: 16,
      onProgress: (p) => seen.push({ runs: p.runs, failures: p.failures, finished }),
    });
    const firstRun = result.properties.find((p) => p.violated)!.firstFailureRun!;
    const firstShown = seen.find((p) => p.failures > 0)!;
    expect(firstRun).toBe(1); // the failure the report keeps is still the first in case order
    expect(seen.filter((p) => p.finished > 100).length).toBeGreaterThan(0); // case 1 did start late
    // Most runs of this scenario fail: one of the first runs in flight to end shows it (the sim's
    // runs in flight end together, a microtask apart).
    expect(firstShown.finished).toBeLessThanOrEqual(2 * 16);
  });

  it('says the step and the plan length while a real target shrinks (here the sim, through the same path)', async () => {
    const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!, { properties: ['watchers-resume'] });
    const lines: string[] = [];
    const result = await exploreTarget(createSimTarget(), config, {
      runs: 50,
      seed: 1,
      shrinkOnSim: false, // as for a --client-cmd program: shrink on the target itself
      confirmRuns: 1,
      shrinkTimeLimitMs: 60_000,
      onStatus: (line) => lines.push(line),
    });
    const steps = lines.flatMap((l) => {
      const m =
        /^shrinking watchers-resume: step (\d+), plan of (\d+) events? \(smallest failing \d+\), \d+s of 60s$/.exec(l);
      return m ? [{ step: Number(m[1]), events: Number(m[2]) }] : [];
    });
    expect(result.failures[0]).toMatchObject({ shrunkOn: 'target' });
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.map((s) => s.step)).toEqual(steps.map((_, i) => i + 1));
    expect(steps[0]!.events).toBe(result.failures[0]!.events); // the first candidate is the case as found
    expect(Math.min(...steps.map((s) => s.events))).toBeLessThanOrEqual(result.failures[0]!.shrunkEvents);
  });
});
