/**
 * What the controller server keeps on disk is written at each record (wire/session.ts), so a kill
 * right after any record must find a durable state that agrees with the records so far. A hook
 * whose `hook-start` was written before the state named it in flight was never ended by the
 * controller that came back (agent-lifecycle: "hook install of mysql/1 ... outlived the agent
 * restart (crash)", seen on the process target under load). The sim copies the state at the
 * moment of its crash and cannot show this, hence the check at every record here.
 */
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../harness/clock.ts';
import { Controller } from '../../harness/controller/controller.ts';
import type { DurableController } from '../../harness/controller/durable-state.ts';
import { controllerProfile } from '../../harness/controller/profile.ts';
import { Recorder, recordsOf, type HistoryBody, type HistoryRecord } from '../../harness/history.ts';
import { seededRng } from '../../harness/rng.ts';
import { CREDENTIALS, rawConnection } from '../core/controller-fixture.ts';

/** A recorder that copies the controller's durable state as each record is written, as the server's journal does. */
class SavingRecorder extends Recorder {
  readonly saved: { record: HistoryRecord; state: DurableController }[] = [];
  controller?: Controller;
  override record(body: HistoryBody): void {
    super.record(body);
    const record = this.records.at(-1)!;
    if (this.controller) this.saved.push({ record, state: JSON.parse(JSON.stringify(this.controller.durable())) });
  }
}

describe('durable state written at each record', () => {
  it('names the hook in flight from its hook-start on, so a kill right then interrupts it on recovery', () => {
    const clock = new VirtualScheduler();
    const history = new SavingRecorder(() => clock.now());
    const deps = { clock, history, profile: controllerProfile('juju-1.24')!, credentials: CREDENTIALS };
    const controller = new Controller({ ...deps, rng: seededRng(1) });
    history.controller = controller;
    controller.bootstrap();
    clock.runUntil(60_000);
    const c = rawConnection(controller);
    c.login();
    c.call('Application', 'Deploy', {
      applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 2 }],
    });
    clock.runUntil(120_000);

    const starts = history.saved.filter(({ record }) => record.type === 'hook-start');
    expect(starts.length).toBeGreaterThanOrEqual(6); // three hooks for each of two units
    for (const { record, state } of starts) {
      if (record.type !== 'hook-start') continue;
      expect(state.units.find((u) => u.unit === record.unit)?.running, `${record.unit} ${record.hook}`).toBe(
        record.hook,
      );
    }

    // Killed right after the first hook-start: the controller that comes back ends that hook.
    const first = starts[0]!;
    const upTo = history.records.slice(0, history.records.indexOf(first.record) + 1);
    const after = new Recorder(() => clock.now());
    after.restore(upTo);
    controller.abandon();
    new Controller({ ...deps, history: after, rng: seededRng(2), recover: { state: first.state, records: upTo } });
    const ended = recordsOf(after.records.slice(upTo.length), 'hook-end');
    expect(ended).toContainEqual(
      expect.objectContaining({ unit: (first.record as { unit: string }).unit, result: 'interrupted' }),
    );
  });
});
