/**
 * A script that takes a unit's first `error` for a failed deployment, on one fixed plan: the agent
 * restarts right after the controller answered the Deploy, so the unit's install hook (just started)
 * is interrupted; the unit shows error ("hook failed") until the agent retries the hook after its
 * backoff, and then goes active. The buggy script (examples/clients/error-is-final.mjs on the process
 * target; the reconnecting profile with no unitErrorGraceMs on the sim) gives up, and
 * deployments-complete says so; robust.mjs (and the reconnecting profile) wait through the error and
 * hold. The restart is tied to the Deploy's answer, and the backoff is long (40 s of model time, 2 s
 * of real time at 0.05) so the script has long reconnected when the retry comes: timing decides
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import { scriptedProfile, RECONNECTING } from '../../harness/clients/profiles.ts';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { judgeRun } from '../../harness/runner.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';

const BUGGY = 'node examples/clients/error-is-final.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'restart', when: { on: 'deploy-answered', client: 0 } },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];

/** On the sim the built-in client deploys at once and retries the refusals (so the Deploy's first
 *  answer is a refusal, which the tie would take): a timed restart instead, at 25 s, while the
 *  install hook begun at 22.6 s (the deploy accepted after the implicit upgrade) runs, for this
 *  seed (the sim is deterministic). */
const SIM_PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 25_000 },
  { kind: 'restart' },
  { kind: 'wait', durationMs: 5_000 },
];

/** juju-1.24-gated-api with a 40 s first backoff before a failed hook is retried. */
function config(): RunConfig {
  const c = configOf('juju-1.24-gated-api');
  return { ...c, controller: { ...c.controller, timing: { ...c.controller.timing, hookRetryMs: 40_000 } } };
}

/** The tied restart fired and interrupted mysql/0's install; the unit showed error, then the hook ran
 *  again and the unit ended active. */
function expectInterruptedThenRetried(h: readonly HistoryRecord[], restartEvent = 1): void {
  expect(h.find((r) => r.type === 'event' && r.index === restartEvent)).toMatchObject({ applied: true });
  const interrupted = h.findIndex((r) => r.type === 'hook-end' && r.result === 'interrupted');
  expect(h[interrupted]).toMatchObject({ unit: 'mysql/0', hook: 'install' });
  const after = h.slice(interrupted);
  expect(after.find((r) => r.type === 'unit-status')).toMatchObject({ unit: 'mysql/0', workload: 'error' });
  expect(after.some((r) => r.type === 'hook-start' && r.hook === 'install')).toBe(true);
  const final = h.find((r) => r.type === 'final-model');
  expect(final?.type === 'final-model' && final.model.applications).toEqual({
    mysql: { units: { 'mysql/0': 'active' } },
  });
}

describe('a script that takes the first unit error for final (sim, fixed plan)', () => {
  const buggyProfile = scriptedProfile('error-is-final', 'gives up at a unit in error', {
    ...RECONNECTING,
    unitErrorGraceMs: undefined,
  });

  it('is caught by deployments-complete; the reconnecting profile holds on the same plan', () => {
    const c = config();
    const buggy = simulate({ ...c, client: buggyProfile }, SIM_PLAN, 1);
    expectInterruptedThenRetried(buggy, 3);
    const violations = judgeRun(buggy, c.properties).violations;
    expect(violations.map((v) => v.property)).toEqual(['deployments-complete']);
    expect(violations[0]?.message).toMatch(/a unit of mysql is in error/);

    const robust = simulate(c, SIM_PLAN, 1);
    expectInterruptedThenRetried(robust, 3);
    expect(judgeRun(robust, c.properties).violations).toEqual([]);
  });
});

describe('a script that takes the first unit error for final (process target, fixed plan)', () => {
  const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

  it('error-is-final.mjs gives up at the error and deployments-complete catches it', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectInterruptedThenRetried(h);
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 1 });
    expect(clientOutputs[0]?.stderr).toMatch(/unit mysql\/0 is in error: deployment failed/);
    expect(judgeRun(h, config().properties).violations.map((v) => v.property)).toContain('deployments-complete');
  });

  it('robust.mjs waits through the error and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    expectInterruptedThenRetried(h);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
