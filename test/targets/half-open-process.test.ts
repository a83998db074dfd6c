/**
 * A half-open link on the process target (plan event `half-open`, through the client's fault
 * proxy): the controller's end is reset, the script's socket stays open and silent. A script with
 * no ping and no call timeout (examples/clients/no-timeout.mjs) waits on its AllWatcher.Next until
 * its deadline; robust.mjs, whose ping goes unanswered, reconnects and holds on the same plan.
 *
 * The hooks are slowed (20-30 s of model time each) so that both scripts are still waiting for
 * their units when the link goes half-open, 10 s after the deploy; the test asserts that the fault
 * was applied to an open connection before it judges anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';

const BUGGY = 'node examples/clients/no-timeout.mjs';
const ROBUST = 'node scenarios/clients/robust.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 10_000 },
  { kind: 'half-open', client: 0 },
  { kind: 'wait', durationMs: 2_000 },
];

function config(): RunConfig {
  const c = configOf('juju-1.24-gated-api', { deployMs: 120_000 });
  return { ...c, controller: { ...c.controller, timing: { ...c.controller.timing, hookMs: [20_000, 30_000] } } };
}

const targets: ProcessTarget[] = [];
let buggy: ProcessTarget;
let robust: ProcessTarget;
let buggyRun: History;
let robustRun: History;
beforeAll(async () => {
  const start = async (command: string): Promise<ProcessTarget> => {
    const t = await createProcessTarget({ timeScale: 0.05, clientCommand: command });
    targets.push(t);
    return t;
  };
  [buggy, robust] = await Promise.all([start(BUGGY), start(ROBUST)]);
  [buggyRun, robustRun] = await Promise.all([buggy.run(config(), PLAN, 1), robust.run(config(), PLAN, 1)]);
});

afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
});

/** The half-open was applied: the controller lost the script's connection to a fault then. */
function expectHalfOpen(h: History): number {
  const fired = h.find((r) => r.type === 'event' && r.event.kind === 'half-open');
  expect(fired).toMatchObject({ applied: true });
  return fired!.t;
}

describe('a half-open link (process target)', () => {
  it('leaves a script without ping or timeouts waiting until its deadline', () => {
    const cut = expectHalfOpen(buggyRun);
    expect(buggyRun.filter((r) => r.type === 'conn-open' && r.t > cut)).toEqual([]); // it never dialled again
    const output = buggy.artifacts().clientOutputs[0];
    expect(output).toMatchObject({ command: BUGGY });
    expect(output?.exitCode, JSON.stringify(output)).not.toBe(0); // killed at its deadline, or gave up then
    const violations = checkProperties(buggyRun, config().properties);
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
  });

  it('robust.mjs finds the link dead by its ping, reconnects and holds', () => {
    const cut = expectHalfOpen(robustRun);
    expect(robustRun.filter((r) => r.type === 'conn-open' && r.t > cut).length).toBeGreaterThan(0);
    const violations = checkProperties(robustRun, config().properties);
    expect(violations, JSON.stringify({ violations, output: robust.artifacts().clientOutputs }, null, 1)).toEqual([]);
    expect(robust.artifacts().clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
