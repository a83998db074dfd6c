/**
 * A starved harness gives no false violation on the process target: the run records how long its
 * event loop stalled (its lag record), and the properties judged on deadlines call it unknown.
 * The stalls here are the harness's own: a busy loop of a second in the middle of the run (50 s of
 * model time at 0.02), or many short ones, as a loaded machine gives. No timing is asserted, only
 * verdicts and what a busy loop guarantees: the loop did not run for at least that long.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { judgeRun } from '../../harness/runner.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { configOf } from './scenario-config.ts';

let target: ProcessTarget;

beforeAll(async () => {
  target = await createProcessTarget({ timeScale: 0.02 });
});

afterAll(async () => {
  await target?.close();
});

/** Keeps this process's event loop busy for `ms` real milliseconds. */
function starve(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // nothing: the point is that nothing else runs
  }
}

describe('a run whose harness was starved', () => {
  it('records the stall, and violates none', async () => {
    const config = configOf('juju-1.24-gated-api');
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 2 },
      { kind: 'wait', durationMs: 60_000 },
    ];
    const stall = setTimeout(() => starve(1_000), 300);
    const { history, violations, unknown } = judgeRun(await target.run(config, plan, 1), config.properties);
    clearTimeout(stall);
    const lag = history.find((r) => r.type === 'lag');
    // The busy loop held the harness a second: 50 s of model time, less the probe's 10 ms.
    expect(lag?.type === 'lag' ? lag.stallMs : 0).toBeGreaterThanOrEqual(990 / 0.02);
    expect(violations).toEqual([]);
    // A deadline whose window held the stall (a call in flight then) is unknown, and says why.
    for (const u of unknown) expect(u.reason).toMatch(/the run stalled|never reached quiescence/);
  });
});

/** Busy loops of `busyMs` with `freeMs` between them until `done` resolves: a loop busy with other
 *  runs' work, never stalled long at once. Resolves with how many there were. */
function starveOften(busyMs: number, freeMs: number, done: Promise<unknown>): Promise<number> {
  let over = false;
  void done.finally(() => (over = true));
  return new Promise((resolve) => {
    let times = 0;
    const next = (): void => {
      if (over) return resolve(times);
      starve(busyMs);
      times++;
      setTimeout(next, freeMs);
    };
    setTimeout(next, freeMs);
  });
}

describe('a run whose harness stalled often, each time briefly', () => {
  it('records every stall, and calls a deadline in its stalled stretch unknown, not violated', async () => {
    const config = configOf('juju-1.24-gated-api');
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 2 },
      { kind: 'wait', durationMs: 15_000 },
      { kind: 'disconnect', client: 0 },
      { kind: 'wait', durationMs: 60_000 },
    ];
    // 80 ms of every 100 ms for the whole run: no single stall near the run's budget (7.5 s of model
    // time, 150 ms at 0.02), but the client gets a fifth of its deadline to come back.
    const busyMs = 80;
    const run = target.run(config, plan, 1);
    const times = await starveOften(busyMs, 20, run);
    const history: HistoryRecord[] = await run;
    const { violations, unknown } = judgeRun(history, config.properties);
    const lag = history.find((r) => r.type === 'lag');
    // Each busy loop within the run shows as a stall of at least busyMs - 10 (the probe looks every
    // 10 ms), 3.5 s of model time: every one of them is in the record, not only the longest. The
    // plan alone lasts 1.5 s of real time, so a few loops at least fell within the run.
    const long = (lag?.type === 'lag' ? (lag.stalls ?? []) : []).filter(([, ms]) => ms >= (busyMs - 10) / 0.02);
    expect(times).toBeGreaterThan(3);
    expect(long.length).toBeGreaterThanOrEqual(3);
    expect(violations).toEqual([]);
    for (const u of unknown) expect(u.reason).toMatch(/stalled|never reached quiescence/);
  });
});
