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
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair, withSlowHooks } from './script-pair.ts';

const BUGGY = 'node examples/clients/no-timeout.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 10_000 },
  { kind: 'half-open', client: 0 },
  { kind: 'wait', durationMs: 2_000 },
];

const config = () => withSlowHooks(configOf('juju-1.24-gated-api', { deployMs: 120_000 }));
const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

/** The half-open was applied: the controller lost the script's connection to a fault then. */
function expectHalfOpen(h: History): number {
  const fired = h.find((r) => r.type === 'event' && r.event.kind === 'half-open');
  expect(fired).toMatchObject({ applied: true });
  return fired!.t;
}

describe('a half-open link (process target)', () => {
  it('leaves a script without ping or timeouts waiting until its deadline', () => {
    const { history: buggyRun, clientOutputs } = runs.buggy();
    const cut = expectHalfOpen(buggyRun);
    expect(buggyRun.filter((r) => r.type === 'conn-open' && r.t > cut)).toEqual([]); // it never dialled again
    const output = clientOutputs[0];
    expect(output).toMatchObject({ command: BUGGY });
    expect(output?.exitCode, JSON.stringify(output)).not.toBe(0); // killed at its deadline, or gave up then
    const violations = checkProperties(buggyRun, config().properties);
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
  });

  it('robust.mjs finds the link dead by its ping, reconnects and holds', () => {
    const { history: robustRun, clientOutputs } = runs.robust();
    const cut = expectHalfOpen(robustRun);
    expect(robustRun.filter((r) => r.type === 'conn-open' && r.t > cut).length).toBeGreaterThan(0);
    const violations = checkProperties(robustRun, config().properties);
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
