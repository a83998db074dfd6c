/**
 * A script that keeps removed applications in its view, on one fixed plan: the model holds an
 * application of the operator's (old-mysql), and the plan's `remove` has the operator take it away
 * the moment the script next waits on its watcher, while its own deploy's slow hooks run (recorded
 * then). The buggy
 * script (examples/clients/ignore-remove.mjs) ignores the `remove` delta and exits with old-mysql in
 * its view: watchers-resume catches the ghost. robust.mjs drops it and holds on the same plan. The
 * removal's moment is the controller's (a tied trigger), so timing decides nothing.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { judgeRun } from '../../harness/runner.ts';
import { watchersResume } from '../../properties/watchers-resume.ts';
import { messages } from '../properties/build.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair, withSlowHooks } from './script-pair.ts';

const BUGGY = 'node examples/clients/ignore-remove.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'remove', client: 0, app: 'mysql' },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => withSlowHooks(configOf('juju-1.25-no-implicit-upgrade'));

/** The operator removed old-mysql (it was in the model from bootstrap) through the API, and the
 *  event is recorded then (after the removal), not when it was armed; mysql stayed. */
function expectOperatorRemoval(h: History): void {
  const event = h.find((r) => r.type === 'event' && r.index === 2);
  expect(event).toMatchObject({
    applied: true,
    note: "at client-0's next watcher wait: the operator removed old-mysql",
  });
  const removal = h.find((r) => r.type === 'request' && r.method === 'DestroyApplication');
  expect(removal).toMatchObject({ client: 'operator', accepted: true, apps: ['old-mysql'] });
  expect(h.indexOf(event!)).toBeGreaterThan(h.indexOf(removal!));
  const final = h.find((r) => r.type === 'final-model');
  expect(final?.type === 'final-model' && Object.keys(final.model.applications)).toEqual(['mysql']);
}

describe('a script that keeps removed applications in its view (process target, fixed plan)', () => {
  const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

  it('ignore-remove.mjs exits with the removed application in its view, and watchers-resume catches the ghost', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectOperatorRemoval(h);
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 0 });
    // The property's own check: on a loaded machine the judge may call a view read in a stalled
    // settle window unknown (properties/stall.ts), which is no verdict on the script.
    expect(messages(watchersResume.check(h))).toEqual([
      "client-0's view (not watching) differs from the final model: ghost: app old-mysql",
    ]);
    expect(judgeRun(h, config().properties).violations.every((v) => v.property === 'watchers-resume')).toBe(true);
  });

  it('robust.mjs drops it and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    expectOperatorRemoval(h);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
