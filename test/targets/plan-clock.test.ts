/**
 * The plan's clock on real targets: held while a --client-cmd program starts, it lets no plan
 * event fire, and afterwards the events keep the spacing the plan gave them.
 */
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../harness/clock.ts';
import { HoldableClock } from '../../harness/targets/live/plan-clock.ts';

function fired(run: VirtualScheduler, plan: HoldableClock, delays: number[]): Array<[number, number]> {
  const log: Array<[number, number]> = [];
  delays.forEach((d, i) => plan.after(d, () => log.push([i, run.now()])));
  return log;
}

describe('HoldableClock', () => {
  it('is the run clock while never held', () => {
    const run = new VirtualScheduler();
    const plan = new HoldableClock(run);
    const log = fired(run, plan, [10, 0, 5, 10]);
    run.runUntil(100);
    expect(log).toEqual([
      [1, 0],
      [2, 5],
      [0, 10],
      [3, 10],
    ]);
  });

  it('fires nothing while held, then keeps every gap: all timers move later by the time held', () => {
    const run = new VirtualScheduler();
    const plan = new HoldableClock(run);
    const log = fired(run, plan, [10, 30, 30, 60]);
    run.after(20, () => plan.hold());
    run.after(45, () => expect(plan.now()).toBe(20)); // plan time stands still
    run.after(70, () => plan.release()); // held 50
    run.runUntil(200);
    expect(log).toEqual([
      [0, 10],
      [1, 80],
      [2, 80],
      [3, 110],
    ]);
  });

  it('cancels a timer that came due during the hold', () => {
    const run = new VirtualScheduler();
    const plan = new HoldableClock(run);
    const log: number[] = [];
    const timer = plan.after(10, () => log.push(run.now()));
    plan.hold();
    run.after(20, () => {
      timer.cancel();
      plan.release();
    });
    run.runUntil(100);
    expect(log).toEqual([]);
  });
});
