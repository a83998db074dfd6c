/**
 * lp:1455260's heart, on the process target: the controller applies a script's Deploy and the
 * connection drops before the answer is written (a disconnect tied to `deploy-applied`). A script
 * that re-sends every unanswered Deploy and takes "already exists" for fatal
 * (examples/clients/redeploy-fatal.mjs) gives up; robust.mjs, which counts "already exists" as done,
 * holds on the same plan. The fault fires at a named moment of the controller's handling of the
 * call, so timing decides nothing.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';

const BUGGY = 'node examples/clients/redeploy-fatal.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'disconnect', client: 0, on: 'deploy-applied' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => configOf('juju-1.24-gated-api');
const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

/** The tied disconnect fired right after the controller accepted the Deploy, cutting its answer. */
function expectAnswerLost(h: History): void {
  const fired = h.findIndex((r) => r.type === 'event' && r.index === 1);
  expect(h[fired]).toMatchObject({ applied: true });
  const before = h.slice(0, fired).filter((r) => r.type === 'request' || r.type === 'conn-close');
  expect(before.at(-2)).toMatchObject({ type: 'request', method: 'Deploy', accepted: true, apps: ['mysql'] });
  expect(before.at(-1)).toMatchObject({ type: 'conn-close', reason: 'fault' });
}

describe("a Deploy applied whose answer is lost with the connection (process target, 'deploy-applied')", () => {
  it('catches a script that re-sends it and takes "already exists" for fatal', () => {
    const { history: buggyRun, clientOutputs } = runs.buggy();
    expectAnswerLost(buggyRun);
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 1 });
    expect(clientOutputs[0]?.stderr).toMatch(/deploy mysql failed: .*already exists/);
    const violations = checkProperties(buggyRun, config().properties);
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
  });

  it('robust.mjs holds every property on the same plan', () => {
    const { history: robustRun, clientOutputs } = runs.robust();
    expectAnswerLost(robustRun);
    const violations = checkProperties(robustRun, config().properties);
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
