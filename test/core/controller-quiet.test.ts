/**
 * The controller model's `quiet`: what the closing sequence waits for before it judges a run
 * (targets/closing.ts). A controller that said quiet while a hook ran or waited would have its run
 * judged before the units settled. Also a kill criterion of `npm run mutation` (vitest.mutation.config.ts).
 */
import { describe, expect, it } from 'vitest';
import { recordsOf } from '../../harness/history.ts';
import { makeController, rawConnection } from './controller-fixture.ts';

describe('controller model: quiet', () => {
  it('is quiet only once no hook runs or waits: the closing sequence judges the run from that moment', () => {
    const { clock, controller, history } = makeController('juju-1.24');
    controller.bootstrap();
    clock.runUntil(60_000);
    expect(controller.quiet).toBe(true);
    const c = rawConnection(controller);
    c.login();
    c.call('Application', 'Deploy', {
      applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 1 }],
    });
    const hooksDone = () => recordsOf(history.records, 'hook-end').filter((r) => r.result === 'ok').length;
    const quietWhile: boolean[] = [];
    while (hooksDone() < 4 && clock.now() < 120_000) {
      quietWhile.push(controller.quiet);
      clock.runUntil(clock.now() + 100);
    }
    expect(hooksDone()).toBe(4);
    expect(quietWhile.length).toBeGreaterThan(10);
    expect(quietWhile.every((quiet) => !quiet)).toBe(true); // between hooks too, and while the workload settles before update-status
    expect(controller.quiet).toBe(true);
  });

  it('a unit left in error by an interrupted hook (1.22) keeps nothing in motion', () => {
    const { clock, controller } = makeController('juju-1.22');
    controller.bootstrap();
    const c = rawConnection(controller);
    c.login();
    c.call('Application', 'Deploy', {
      applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 2 }],
    });
    clock.runUntil(120_000);
    expect(Object.values(controller.view().applications['mysql']!.units)).toContain('error');
    expect(controller.quiet).toBe(true);
  });
});
