/**
 * A script whose keepalive runs on its first connection only, on one fixed plan on the process
 * target: client-0's connection is reset at its first AllWatcher.Next in flight, and its next
 * connection goes half-open at the Next in flight there. Both faults are tied to the same moment:
 * each occurrence fires one (controller/activity-triggers.ts), so the half-open lands on the new,
 * live connection instead of on the one the disconnect had just closed. The buggy script
 * (examples/clients/ping-dies.mjs) does not ping the new connection and waits on its Next until its
 * deadline; robust.mjs finds the link dead by its ping, reconnects and holds on the same plan.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { judgeRun } from '../../harness/runner.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair, withSlowHooks } from './script-pair.ts';

const BUGGY = 'node examples/clients/ping-dies.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'disconnect', client: 0, on: 'watch-next' },
  { kind: 'half-open', client: 0, on: 'watch-next' },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => withSlowHooks(configOf('juju-1.25-no-implicit-upgrade', { deployMs: 120_000 }));

/** The disconnect cut client-0's first connection, the half-open a later one; both acted. */
function expectBothLanded(h: History): void {
  const fired = (index: number) => h.findIndex((r) => r.type === 'event' && r.index === index);
  const [cut, halfOpen] = [fired(2), fired(3)];
  expect(h[cut]).toMatchObject({ applied: true });
  expect(h[halfOpen]).toMatchObject({ applied: true });
  expect(halfOpen).toBeGreaterThan(cut);
  const faulted = h.filter((r) => r.type === 'conn-close' && r.client === 'client-0' && r.reason === 'fault');
  expect(new Set(faulted.map((r) => r.type === 'conn-close' && r.conn)).size).toBe(2);
}

describe('a script that pings only its first connection (process target, fixed plan)', () => {
  const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

  it('ping-dies.mjs waits on its half-open Next until its deadline, and is caught', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectBothLanded(h);
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY });
    expect(clientOutputs[0]!.exitCode).not.toBe(0);
    expect(judgeRun(h, config().properties).violations.map((v) => v.property)).toContain('deployments-complete');
  });

  it('robust.mjs finds the link dead by its ping, reconnects and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    expectBothLanded(h);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
