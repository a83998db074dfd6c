/**
 * A watcher the controller stops with the connection up (plan.ts `stop-watcher`), on one fixed plan
 * on the process target: the stop fires the moment client-0's AllWatcher.Next is in flight, while
 * its deploy's slow hooks run. The buggy script (examples/clients/stopped-done.mjs) takes "watcher
 * was stopped" for a finished deployment and exits 0 with its units not active in its view:
 * watchers-resume catches the stale view. robust.mjs reconnects, watches again and holds on the
 * same plan. The stop's moment is the controller's (a tied trigger), so timing decides nothing.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { judgeRun } from '../../harness/runner.ts';
import { watchersResume } from '../../properties/watchers-resume.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair, withSlowHooks } from './script-pair.ts';

const BUGGY = 'node examples/clients/stopped-done.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'stop-watcher', client: 0, on: 'watch-next' },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => withSlowHooks(configOf('juju-1.25-no-implicit-upgrade'));

/** The controller stopped client-0's watcher, its connection staying up; returns when. */
function expectControllerStop(h: History): number {
  expect(h.find((r) => r.type === 'event' && r.index === 2)).toMatchObject({ applied: true });
  const stop = h.find((r) => r.type === 'watcher-stop' && r.reason === 'controller');
  expect(stop).toMatchObject({ client: 'client-0' });
  return stop!.t;
}

describe('a watcher the controller stops, connection up (process target, fixed plan)', () => {
  const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

  it('stopped-done.mjs exits 0 with its units not active in its view, and watchers-resume catches it', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectControllerStop(h);
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 0 });
    const messages = watchersResume.check(h).map((v) => v.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^client-0's view \(not watching\) differs from the final model: .*mysql\/0/);
  });

  it('robust.mjs watches again and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    const stoppedAt = expectControllerStop(h);
    expect(h.some((r) => r.type === 'watcher-start' && r.client === 'client-0' && r.t >= stoppedAt)).toBe(true);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
