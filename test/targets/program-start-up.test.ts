/**
 * A --client-cmd program's deadline counts from its first connection to its URL, not from its launch
 * (clients/command-client.ts): its start-up (an interpreter importing a library, 22 s on a loaded
 * machine in the python-libjuju trial) is not its deployment's time. A program that never connects
 * still fails, a deadline after its launch, saying so. Process target, fixed plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { judgeRun } from '../../harness/runner.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { runDeadlineMs } from '../../harness/targets/live/run.ts';
import { runCase, type CaseRun } from '../../harness/targets/target.ts';
import { configOf } from './scenario-config.ts';

const SLOW_START = 'node test/fixtures/clients/slow-start.mjs';
const NEVER_DIALS = 'sh test/fixtures/clients/never-dials.sh';
const PLAN: Plan = [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 1 }];
/** Model time; at the time scale below, 10 s of real time for the slow start-up's idles to divide. */
const DEPLOY_MS = 200_000;
const TIME_SCALE = 0.05;

const targets: ProcessTarget[] = [];
async function play(command: string, deployMs: number): Promise<CaseRun> {
  const target = await createProcessTarget({ timeScale: TIME_SCALE, clientCommand: command });
  targets.push(target);
  return runCase(target, configOf('juju-1.25-no-implicit-upgrade', { deployMs }), PLAN, 1);
}
afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
});

/** The deploy's report: ok, or fail with its error. */
const report = (h: History) => h.find((r) => (r.type === 'ok' || r.type === 'fail') && r.f === 'deploy');

describe("a --client-cmd program's deadline (process target)", { timeout: 120_000 }, () => {
  let slow: CaseRun;
  let never: CaseRun;
  beforeAll(async () => {
    [slow, never] = await Promise.all([play(SLOW_START, DEPLOY_MS), play(NEVER_DIALS, 20_000)]);
  });

  it('counts from its first connection: a start-up of 70% of it does not cost the deploy', () => {
    const output = JSON.stringify(slow.clientOutputs);
    expect(report(slow.history), output).toMatchObject({ type: 'ok' });
    expect(slow.clientOutputs[0], output).toMatchObject({ exitCode: 0, timedOut: false, connected: true });
    const violations = judgeRun(slow.history, ['deployments-complete']).violations;
    expect(violations, output).toEqual([]);
  });

  it('a program that never connects fails a deadline after its launch, saying it never connected', () => {
    expect(report(never.history)).toMatchObject({
      type: 'fail',
      error: 'deadline exceeded (20000 ms): it never connected to the controller (UPGRADE_CHAOS_API_URL)',
    });
    expect(never.clientOutputs[0]).toMatchObject({ timedOut: true, connected: false });
    const violations = judgeRun(never.history, ['deployments-complete']).violations;
    expect(violations.map((v) => v.message).join('\n')).toMatch(/it never connected to the controller/);
  });
});

describe("a program's run's hard deadline", () => {
  it("has one deploy deadline more than a built-in client's: the start-up the plan waits for may take that long", () => {
    const config = configOf('juju-1.25-no-implicit-upgrade', { deployMs: DEPLOY_MS });
    const builtIn = runDeadlineMs(config, PLAN, TIME_SCALE, false);
    expect(runDeadlineMs(config, PLAN, TIME_SCALE, true) - builtIn).toBe(DEPLOY_MS * TIME_SCALE);
  });
});
