/**
 * Run-time assertions where an invariant holds: they fail loudly, with a message that says which
 * invariant, instead of letting a harness bug turn into a wrong verdict.
 */
import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { withBootstrap } from '../../harness/arbitraries.ts';
import { Recorder } from '../../harness/history.ts';
import { makeController } from './controller-fixture.ts';

describe('assertions', () => {
  it('Recorder.record refuses a record earlier than the last (properties assume time order)', () => {
    let now = 10;
    const history = new Recorder(() => now);
    history.record({ type: 'quiescence' });
    now = 10;
    history.record({ type: 'run-end' }); // the same time is fine
    now = 9;
    expect(() => history.record({ type: 'quiescence' })).toThrow(AssertionError);
    expect(() => history.record({ type: 'quiescence' })).toThrow(/quiescence at t=9 after one at t=10/);
  });

  it('withBootstrap refuses events that already hold a bootstrap', () => {
    expect(withBootstrap([{ kind: 'wait', durationMs: 5 }], 1)).toEqual([
      { kind: 'wait', durationMs: 5 },
      { kind: 'bootstrap' },
    ]);
    expect(() => withBootstrap([{ kind: 'bootstrap' }], 0)).toThrow(/must have none/);
  });

  it('the upgrader refuses a second upgrade while one is in progress (the controller refuses it first)', () => {
    const { controller } = makeController('juju-1.22');
    controller.bootstrap(); // 1.22 upgrades itself at once: an upgrade is now pending
    expect(controller.upgrading).toBe(true);
    expect(controller.requestUpgrade({ version: '1.22.3' })).toMatchObject({ ok: false, code: 'upgrade in progress' });
    expect(() => controller.upgrader.setDesired('1.22.3')).toThrow(/no upgrade in progress/);
  });
});
