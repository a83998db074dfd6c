/**
 * A starved harness gives no false violation on the process target: the run records how long its
 * event loop stalled (its lag record), and the properties judged on deadlines call it unknown.
 * The stall here is the harness's own, a busy loop of a second in the middle of the run (50 s of
 * model time at 0.02), as a loaded machine gives; no timing is asserted, only verdicts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  it('calls its deadline-judged properties unknown (the stall), and violates none', async () => {
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
    expect(lag).toBeDefined();
    expect(violations).toEqual([]);
    for (const property of ['requests-settle', 'watchers-resume'])
      expect(unknown.find((u) => u.property === property)?.reason).toMatch(/the run stalled/);
  });
});
