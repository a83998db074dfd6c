/**
 * A hook interrupted by an agent restart, as each profile handles it (unit-agents.ts): Juju 1.22
 * leaves the unit in error for good; from 1.24 on the unit shows error ("hook failed") while the
 * agent waits its backoff (counted from the agent being back), then runs the hook again and the unit
 * goes on to active (Juju's automatic hook retry); `rerun` re-runs it at once, silently.
 */
import { describe, expect, it } from 'vitest';
import { recordsOf, type History } from '../../harness/history.ts';
import { makeController, rawConnection } from './controller-fixture.ts';

const TIMING = {
  upgraderDelayMs: [200, 200],
  downloadMs: [1_000, 1_000],
  downloadFailureRate: 0,
  retryMs: 1_000,
  restartMs: [2_000, 2_000],
  stepsMs: [1_000, 1_000],
  hookMs: [3_000, 3_000],
  settleMs: [2_000, 2_000],
  hookRetryMs: 5_000,
} as const;

/** A 1.24-like controller (or `interruptedHook` as given) whose mysql/0 is 500 ms into its install
 *  hook, with a watcher that has read the snapshot. */
function installing(profile: string, interruptedHook?: 'error' | 'retry' | 'rerun') {
  const made = makeController(profile, {
    streams: ['1.24.0'],
    timing: TIMING,
    ...(interruptedHook ? { interruptedHook } : {}),
  });
  const { clock, controller } = made;
  controller.bootstrap();
  clock.runUntil(1_000);
  const c = rawConnection(controller);
  c.login();
  c.call('Application', 'Deploy', {
    applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 1 }],
  });
  clock.runUntil(clock.now() + 500);
  return made;
}

/** mysql/0's recorded statuses as "workload/agent@t". */
function statuses(history: History): string[] {
  return recordsOf(history, 'unit-status').map((r) => `${r.workload}/${r.agent}@${r.t}`);
}

/** The unit entity a fresh watcher's snapshot gives (the wire shape clients read). */
function unitDelta(controller: ReturnType<typeof makeController>['controller']): Record<string, unknown> | undefined {
  const c = rawConnection(controller);
  c.login();
  const id = String(c.reply(c.call('Client', 'WatchAll'))!.response['watcher-id']);
  const deltas = c.reply(c.call('AllWatcher', 'Next', {}, id))!.response['deltas'] as [string, string, never][];
  return deltas.find(([kind]) => kind === 'unit')?.[2];
}

describe('controller model: a hook interrupted by an agent restart', () => {
  it('1.24: the unit shows "hook failed" in error through the backoff after the agent is back, then retries and goes active', () => {
    const { clock, controller, history } = installing('juju-1.24');
    const restartAt = clock.now();
    controller.restart();
    clock.runUntil(restartAt + 2_000 + 4_999); // agent back at +2 s; backoff 5 s from then
    expect(unitDelta(controller)).toMatchObject({
      name: 'mysql/0',
      'workload-status': { current: 'error', message: 'hook failed: "install"' },
      'agent-status': { current: 'error', message: 'hook failed: "install"' },
    });
    expect(controller.quiet).toBe(false); // a hook to retry is work still to come
    clock.runUntil(clock.now() + 1);
    expect(unitDelta(controller)).toMatchObject({ 'workload-status': { current: 'maintenance' } });
    clock.runUntil(clock.now() + 60_000);
    expect(controller.view().applications['mysql']!.units).toEqual({ 'mysql/0': 'active' });
    expect(statuses(history.records)).toEqual([
      'waiting/allocating@1000',
      'maintenance/executing@1000',
      `error/error@${restartAt}`,
      `maintenance/executing@${restartAt + 7_000}`,
      // three hooks of 3 s, idle 2 s while the workload settles, then update-status (3 s)
      `waiting/idle@${restartAt + 7_000 + 9_000}`,
      `maintenance/executing@${restartAt + 7_000 + 11_000}`,
      `active/idle@${restartAt + 7_000 + 14_000}`,
    ]);
    const installs = recordsOf(history.records, 'hook-start').filter((r) => r.hook === 'install');
    expect(installs).toHaveLength(2);
  });

  it('the backoff doubles when the retried hook is interrupted again, and starts over once a hook succeeds', () => {
    const { clock, controller, history } = installing('juju-1.24');
    controller.restart();
    clock.runUntil(clock.now() + 2_000 + 5_000 + 500); // retried install running for 500 ms
    const second = clock.now();
    controller.restart();
    clock.runUntil(second + 2_000 + 10_000 - 1);
    expect(controller.view().applications['mysql']!.units).toEqual({ 'mysql/0': 'error' });
    clock.runUntil(second + 2_000 + 10_000);
    expect(controller.view().applications['mysql']!.units).toEqual({ 'mysql/0': 'maintenance' });
    clock.runUntil(clock.now() + 3_000 + 500); // install done, config-changed running for 500 ms
    const third = clock.now();
    controller.restart();
    clock.runUntil(third + 2_000 + 5_000);
    const starts = recordsOf(history.records, 'hook-start').filter((r) => r.t === third + 7_000);
    expect(starts.map((r) => r.hook)).toEqual(['config-changed']);
  });

  it('1.22: the unit stays in error for good, and the controller is quiet', () => {
    const { clock, controller, history } = installing('juju-1.22', 'error');
    controller.restart();
    clock.runUntil(clock.now() + 600_000);
    expect(controller.view().applications['mysql']!.units).toEqual({ 'mysql/0': 'error' });
    expect(controller.quiet).toBe(true);
    expect(recordsOf(history.records, 'hook-start')).toHaveLength(1);
  });

  it('rerun: the hook runs again as soon as the agent is back and the unit never shows error', () => {
    const { clock, controller, history } = installing('juju-1.24', 'rerun');
    controller.restart();
    clock.runUntil(clock.now() + 60_000);
    expect(controller.view().applications['mysql']!.units).toEqual({ 'mysql/0': 'active' });
    expect(statuses(history.records).some((s) => s.startsWith('error'))).toBe(false);
  });

  it('a retry pending survives in the durable state (a crash restores it and the agent retries)', () => {
    const { clock, controller } = installing('juju-1.24');
    controller.restart();
    clock.runUntil(clock.now() + 1_000);
    expect(controller.durable().units).toEqual([{ unit: 'mysql/0', next: 0, failed: true, failures: 1 }]);
  });
});
