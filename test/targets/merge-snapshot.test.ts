/**
 * A script that merges each new watcher's snapshot into its old view, on one fixed plan: the model
 * holds an application of the operator's (old-mysql); the plan's `remove` is tied to the script's
 * login after it lost its watcher (`on: 'login'`), and a disconnect tied to its Next in flight makes
 * it lose one. So the operator removes old-mysql while the script is away, before its next WatchAll:
 * the new snapshot simply lacks it, with no `remove` delta. The buggy script
 * (examples/clients/merge-snapshot.mjs) keeps it and exits with a ghost, which watchers-resume
 * catches; robust.mjs starts its view over from the snapshot and holds on the same plan. Both
 * moments are the controller's (tied triggers), so timing decides nothing.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { judgeRun } from '../../harness/runner.ts';
import { watchersResume } from '../../properties/watchers-resume.ts';
import { messages } from '../properties/build.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair, withSlowHooks } from './script-pair.ts';

const BUGGY = 'node examples/clients/merge-snapshot.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'remove', client: 0, app: 'mysql', on: 'login' },
  { kind: 'disconnect', client: 0, on: 'watch-next' },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => withSlowHooks(configOf('juju-1.25-no-implicit-upgrade'));

/** The operator removed old-mysql after client-0's watcher died with its connection and before it
 *  watched again, and the plan's `remove` is recorded applied at that login (not when it was armed);
 *  mysql stayed. */
function expectRemovalWhileAway(h: History): void {
  const removal = h.findIndex((r) => r.type === 'event' && r.index === 2);
  expect(h.filter((r) => r.type === 'event' && r.index === 2)).toHaveLength(1);
  expect(h[removal]).toMatchObject({
    applied: true,
    note: "at client-0's login after it lost its watcher: the operator removed old-mysql",
  });
  const removedAt = h.findIndex((r) => r.type === 'request' && r.method === 'DestroyApplication');
  expect(h[removedAt]).toMatchObject({ client: 'operator', accepted: true, apps: ['old-mysql'] });
  const watchers = h.flatMap((r, i) => (r.type === 'watcher-start' && r.client === 'client-0' ? [i] : []));
  expect(watchers.filter((i) => i < removedAt)).toHaveLength(1); // the watcher it lost
  expect(watchers.filter((i) => i > removedAt).length).toBeGreaterThan(0); // the one it made after
  // Recorded at the login that fired it: after the removal it made, before that login's answer.
  const loginAnswered = h.findIndex((r, i) => i > removedAt && r.type === 'login' && r.client === 'client-0');
  expect(removal).toBeGreaterThan(removedAt);
  expect(removal).toBeLessThan(loginAnswered);
  const final = h.find((r) => r.type === 'final-model');
  expect(final?.type === 'final-model' && Object.keys(final.model.applications)).toEqual(['mysql']);
}

describe('a script that merges a new snapshot into its old view (process target, fixed plan)', () => {
  const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

  it('merge-snapshot.mjs exits with the application removed while it was away, and watchers-resume catches the ghost', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectRemovalWhileAway(h);
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 0 });
    expect(messages(watchersResume.check(h))).toEqual([
      "client-0's view (not watching) differs from the final model: ghost: app old-mysql",
    ]);
    expect(judgeRun(h, config().properties).violations.every((v) => v.property === 'watchers-resume')).toBe(true);
  });

  it('robust.mjs starts over from the snapshot and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    expectRemovalWhileAway(h);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
