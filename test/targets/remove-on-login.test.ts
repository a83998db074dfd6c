/**
 * The operator's removal tied to a program's login after it lost its watcher (plan.ts `remove` with
 * `on: 'login'`), on the process target, where the program never loses its watcher while it runs
 * (no fault in the plan): the moment never comes, so nothing is removed, and the history says so:
 * the event is recorded not applied, at the plan's end, with the part of the moment that never came
 * (it never lost its watcher, or lost it only as it exited and never logged in again). It used to be
 * recorded applied as soon as it was armed. Where the moment does come (a disconnect at the
 * program's Next), test/targets/merge-snapshot.test.ts shows it recorded applied at that login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notFiredAfterLostWatcherNote } from '../../harness/controller/activity-triggers.ts';
import type { Plan } from '../../harness/plan.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { runCase, type CaseRun } from '../../harness/targets/target.ts';
import { configOf } from './scenario-config.ts';
import { ROBUST_SCRIPT } from './script-pair.ts';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'remove', client: 0, app: 'mysql', on: 'login' },
  { kind: 'wait', durationMs: 5_000 },
];

let target: ProcessTarget | undefined;
let run: CaseRun;

beforeAll(async () => {
  target = await createProcessTarget({ timeScale: 0.05, clientCommand: ROBUST_SCRIPT });
  run = await runCase(target, configOf('juju-1.25-no-implicit-upgrade'), PLAN, 1);
});

afterAll(async () => {
  await target?.close();
});

describe("the operator's removal tied to a program's login, when the program never loses its watcher (process target)", () => {
  it('is recorded not applied at the plan’s end, with why, and removes nothing', () => {
    const h = run.history;
    const records = h.filter((r) => r.type === 'event' && r.index === 2);
    expect(records).toHaveLength(1);
    const [removal] = records;
    expect(removal).toMatchObject({ applied: false });
    // While it runs it keeps its watcher; it loses it only as it exits, if it exits before the plan's end.
    expect([
      notFiredAfterLostWatcherNote('client-0', false, 0),
      notFiredAfterLostWatcherNote('client-0', true, 0),
    ]).toContain(removal?.type === 'event' ? removal.note : undefined);
    const quiescence = h.find((r) => r.type === 'quiescence');
    expect(removal!.t).toBeGreaterThanOrEqual(quiescence!.t);
    expect(h.some((r) => r.type === 'request' && r.method === 'DestroyApplication')).toBe(false);
    const final = h.find((r) => r.type === 'final-model');
    expect(final?.type === 'final-model' && Object.keys(final.model.applications).sort()).toEqual([
      'mysql',
      'old-mysql',
    ]);
    expect(run.clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
