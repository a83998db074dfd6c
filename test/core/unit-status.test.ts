/**
 * The controller's status history of each unit (`unit-status` records, Juju's `juju show-status-log`):
 * what deployments-complete reads to tell WHEN a deploy's units became active. Recorded when a unit
 * is created, when its workload or agent status changes (not its message), when it is removed.
 */
import { describe, expect, it } from 'vitest';
import { recordsOf, type History } from '../../harness/history.ts';
import { makeController, rawConnection } from './controller-fixture.ts';

const deploy = (app: string, units: number) => ({
  applications: [{ application: app, 'charm-url': `cs:${app}`, 'num-units': units }],
});

/** Each unit's recorded statuses, in order, as "workload/agent". */
function statusLog(history: History): Record<string, string[]> {
  const log: Record<string, string[]> = {};
  for (const r of recordsOf(history, 'unit-status')) (log[r.unit] ??= []).push(`${r.workload}/${r.agent}`);
  return log;
}

describe('controller model: unit status history', () => {
  it('records each unit created, installing, idle with its workload waiting after start, then active once update-status ended: not one record per hook', () => {
    const { clock, controller, history } = makeController('juju-1.24');
    controller.bootstrap();
    clock.runUntil(60_000);
    const c = rawConnection(controller);
    c.login();
    c.call('Application', 'Deploy', deploy('mysql', 2));
    clock.runUntil(clock.now() + 120_000);
    expect(statusLog(history.records)).toEqual({
      'mysql/0': [
        'waiting/allocating',
        'maintenance/executing',
        'waiting/idle',
        'maintenance/executing',
        'active/idle',
      ],
      'mysql/1': [
        'waiting/allocating',
        'maintenance/executing',
        'waiting/idle',
        'maintenance/executing',
        'active/idle',
      ],
    });
    // Active is recorded when the update-status hook ends, at the same moment, before anything a client hears of it.
    const records = history.records;
    for (const unit of ['mysql/0', 'mysql/1']) {
      const active = records.findIndex((r) => r.type === 'unit-status' && r.unit === unit && r.workload === 'active');
      const hooks = records.flatMap((r, i) => (r.type === 'hook-end' && r.unit === unit ? [i] : []));
      const lastHook = hooks.at(-1)!;
      expect(records[lastHook]).toMatchObject({ hook: 'update-status', result: 'ok' });
      expect(active).toBeGreaterThan(lastHook);
      expect(records[active]!.t).toBe(records[lastHook]!.t);
    }
  });

  it('records a unit the 1.22 restart left in error', () => {
    const { clock, controller, history } = makeController('juju-1.22');
    controller.bootstrap();
    const c = rawConnection(controller);
    c.login();
    c.call('Application', 'Deploy', deploy('mysql', 2));
    clock.runUntil(120_000);
    const log = Object.values(statusLog(history.records));
    expect(log.some((statuses) => statuses.includes('error/error'))).toBe(true);
  });

  it('records a removed unit as terminated', () => {
    const { clock, controller, history } = makeController('juju-1.24');
    controller.bootstrap();
    clock.runUntil(60_000);
    const c = rawConnection(controller);
    c.login();
    c.call('Application', 'Deploy', deploy('pg', 1));
    clock.runUntil(clock.now() + 2_000);
    c.call('Application', 'DestroyApplication', { applications: [{ 'application-tag': 'application-pg' }] });
    expect(statusLog(history.records)['pg/0']).toEqual([
      'waiting/allocating',
      'maintenance/executing',
      'terminated/executing',
    ]);
  });
});
