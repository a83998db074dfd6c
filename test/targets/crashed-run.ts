/**
 * A run with `crash` events: the controller killed (then stopped) and started again on the same
 * port, each time coming back with the run's controller from what it keeps on disk. What every
 * target must show is checked here once: the sim's crash test (test/faults/crash.test.ts) adds its
 * exact timings, the process and container target tests watch from outside which server instance
 * answered (a process id, a container's start time), which must change at each crash.
 */
import { expect } from 'vitest';
import { recordsOf, type HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import type { Target } from '../../harness/targets/target.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';

/** Deploy, let its hooks start, kill the controller for 5 s; deploy again, later stop it cleanly. */
export const CRASH_PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 25_000 },
  { kind: 'deploy', client: 0, app: 'mysql', units: 2 },
  { kind: 'wait', durationMs: 2_000 },
  { kind: 'crash', downMs: 5_000 },
  { kind: 'publish', version: '1.24.3' },
  { kind: 'deploy', client: 1, app: 'wordpress', units: 1 },
  { kind: 'wait', durationMs: 40_000 }, // the first start's agent is up again: the stop takes it down
  { kind: 'crash', downMs: 0, graceful: true },
  { kind: 'wait', durationMs: 20_000 },
];

/**
 * A tie armed before a crash (a disconnect at client-0's answered Deploy), its moment after the
 * controller is started again: the crash must not lose it (index 2 in the plan). Played on the
 * sim (test/activity/ties-kept.test.ts) and the process target (process-target.test.ts).
 */
export const TIE_ACROSS_CRASH_PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 25_000 },
  { kind: 'disconnect', client: 0, on: 'deploy-answered' },
  { kind: 'crash', downMs: 3_000 },
  { kind: 'wait', durationMs: 5_000 },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 30_000 },
];

/** The scenario CRASH_PLAN is played on. */
export const crashedConfig = (): RunConfig => configOf('juju-1.24-crashed-controller');

/** What CRASH_PLAN's history shows on every target: both crashes applied, each a fault window;
 *  the agent taken down by them; the model kept; every property the scenario claims held. */
export function expectCrashedHistory(history: readonly HistoryRecord[], config: RunConfig): void {
  const faults = history.filter((r) => r.type === 'fault-start' || r.type === 'fault-end');
  expect(faults.map((r) => [r.type, r.fault])).toEqual([
    ['fault-start', 'crash'],
    ['fault-end', 'crash'],
    ['fault-start', 'crash'],
    ['fault-end', 'crash'],
  ]);
  const crashes = recordsOf(history, 'event').filter((r) => r.event.kind === 'crash');
  expect(crashes.map((r) => r.applied)).toEqual([true, true]);
  // The first kill took the agent down; the stop does too unless a loaded machine's slow start
  // left the agent still coming up then (nothing to take down: no record).
  const down = recordsOf(history, 'agent-down').filter((r) => r.reason === 'crash').length;
  expect(down).toBeGreaterThanOrEqual(1);
  expect(down).toBeLessThanOrEqual(2);
  // The controller came back with its model: the deploy acknowledged before the kill is there.
  const final = recordsOf(history, 'final-model')[0]!;
  expect(Object.keys(final.model.applications).sort()).toEqual(['mysql', 'wordpress']);
  // The reconnecting client rides both out: every property the scenario claims holds.
  expect(checkProperties(history, config.properties)).toEqual([]);
}

/** Plays CRASH_PLAN on a real target; `instance` names the server process running now. Checks
 *  what every target must show and returns the history. */
export async function crashedRun(target: Target, instance: () => Promise<string>): Promise<HistoryRecord[]> {
  const config = crashedConfig();
  const before = await instance();
  const history = await target.run(config, CRASH_PLAN, 5);
  expect(await instance(), 'a new server process answers after the crashes').not.toBe(before);
  expectCrashedHistory(history, config);
  return history;
}
