/**
 * A slow link on the process target (plan event `slow`, through the client's fault proxy: its
 * latency raised for the window, then restored), as on the sim: the named client's messages take
 * latencyMs more (model time; the proxy adds it scaled), the other client's do not, read from the
 * history's timestamps. Then the bug it is for: examples/clients/deploy-timeout-retry.mjs gives up
 * waiting for a slow Deploy, sends it again and takes "already exists" (its own first Deploy) for a
 * failure; robust.mjs holds on the same plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { runCase } from '../../harness/targets/target.ts';
import { checkProperties } from '../../properties/index.ts';
import { oneWayDelays, slowWindow } from '../faults/slow-delays.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';

/**
 * After the implicit upgrade (over by 40 s of model time), client-0 slowed by 2.5 s for 60 s as it
 * deploys: a program's dial, Login, WatchAll, first Next and Deploy then take 5 s each, the Deploy
 * past deploy-timeout-retry's 3 s patience, and the answer to the one it sends again (8 s after the
 * first) within the kit's ping timeout (1 s real: 10 s at time scale 0.1).
 */
const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 40_000 },
  { kind: 'slow', client: 0, durationMs: 60_000, latencyMs: 2_500 },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'deploy', client: 1, app: 'wordpress', units: 1 },
  { kind: 'wait', durationMs: 90_000 },
];

describe('a slow link (process target), built-in clients', () => {
  let target: ProcessTarget;
  let history: History;
  const config = configOf('juju-1.24-gated-api');
  beforeAll(async () => {
    target = await createProcessTarget({ timeScale: 0.05 });
    history = (await runCase(target, config, PLAN, 1)).history;
  });
  afterAll(async () => {
    await target?.close();
  });

  it("delays the named client's messages by its latency for the window, not the other client's", () => {
    const window = slowWindow(history, 'client-0');
    expect(window.latencyMs).toBe(2_500);
    const inWindow = oneWayDelays(history).filter((d) => d.sentAt >= window.from && d.sentAt < window.to);
    const slowed = inWindow.filter((d) => d.client === 'client-0');
    expect(slowed.map((d) => d.method)).toContain('Deploy');
    // A lower bound (the proxy holds each chunk at least that long) less 5% for the two clocks'
    // rounding; how much faster the other client's calls arrive is load, not asserted one by one.
    for (const d of slowed) expect(d.delayMs, JSON.stringify(d)).toBeGreaterThanOrEqual(2_375);
    const others = inWindow.filter((d) => d.client === 'client-1');
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter((d) => d.delayMs < 2_500).length).toBeGreaterThan(others.length / 2);
    // Before the window, client-0's calls were not slowed (after it, its client may have nothing to
    // ask: the sim test reads that side).
    const before = oneWayDelays(history).filter((d) => d.client === 'client-0' && d.sentAt < window.from);
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((d) => d.delayMs < 2_500).length).toBeGreaterThan(before.length / 2);
  });

  it('the reconnecting client holds through it', () => {
    expect(checkProperties(history, config.properties)).toEqual([]);
  });
});

describe('a slow link (process target), a Deploy given up on and sent again', () => {
  const config = configOf('juju-1.24-gated-api');
  const runs = playScriptPair({
    buggy: 'node examples/clients/deploy-timeout-retry.mjs',
    plan: PLAN,
    config,
    timeScale: 0.1,
  });

  it('deploy-timeout-retry.mjs takes its own first Deploy for a conflict and gives up', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expect(slowWindow(h, 'client-0').latencyMs).toBe(2_500);
    const deploys = h.filter((r) => r.type === 'request' && r.method === 'Deploy' && r.client === 'client-0');
    expect(deploys.length).toBeGreaterThanOrEqual(2); // its own, then the one sent again
    expect(clientOutputs[0]?.exitCode, JSON.stringify(clientOutputs)).toBe(1);
    expect(clientOutputs[0]?.stderr).toMatch(/deploy-timeout-retry: deploy mysql failed: .*already exists/);
    const violations = checkProperties(h, config.properties);
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
  });

  it('robust.mjs waits for the slow answer and holds on the same plan', () => {
    const { history: h, clientOutputs } = runs.robust();
    expect(slowWindow(h, 'client-0').latencyMs).toBe(2_500);
    const violations = checkProperties(h, config.properties);
    expect(violations, JSON.stringify({ violations, clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
