/**
 * A run with a `pause` event on a real target, watched from outside: whether the controller
 * server was really frozen while it ran (a stopped process, a paused container), and the history.
 * Shared by the process and container target tests.
 */
import { expect } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import type { Target } from '../../harness/targets/target.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';

/** Bootstrap, deploy, then the whole controller frozen for 20 s of model time, then resumed. */
export const PAUSE_PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 2_000 },
  { kind: 'pause', durationMs: 20_000 },
  { kind: 'deploy', client: 1, app: 'wordpress', units: 1 },
  { kind: 'wait', durationMs: 25_000 },
];

/** Plays PAUSE_PLAN on juju-1.24-paused-controller, asking `frozen` all along; checks what every
 *  target must show and returns the history. */
export async function pausedRun(target: Target, frozen: () => Promise<boolean>): Promise<HistoryRecord[]> {
  const config = configOf('juju-1.24-paused-controller');
  let running = true;
  let sawFrozen = false;
  const watch = (async () => {
    while (running) {
      if (await frozen()) sawFrozen = true;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const history = await target.run(config, PAUSE_PLAN, 5).finally(() => (running = false));
  await watch;
  expect(sawFrozen, 'the controller server was seen frozen during the pause').toBe(true);
  expect(await frozen(), 'the controller server is thawed after the run').toBe(false);
  const faults = history.filter((r) => r.type === 'fault-start' || r.type === 'fault-end');
  expect(faults.map((r) => [r.type, r.fault])).toEqual([
    ['fault-start', 'pause'],
    ['fault-end', 'pause'],
  ]);
  expect(history.find((r) => r.type === 'event' && r.event.kind === 'pause')).toMatchObject({ applied: true });
  // The reconnecting client rides the pause out: every property the scenario claims holds.
  expect(checkProperties(history, config.properties)).toEqual([]);
  return history;
}
