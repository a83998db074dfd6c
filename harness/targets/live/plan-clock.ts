/**
 * The plan's clock on a real target: the run's clock, except that it can be held. While it is held
 * (a --client-cmd program is still starting), plan time stands still and no plan event fires; on
 * release every plan timer moves later by the time held, so the events after the hold keep the
 * spacing the plan gave them. History records keep the run's clock: they say when things happened.
 */
import type { Scheduler, TimerHandle } from '../../clock.ts';

interface PlanTimer {
  /** Plan time it fires at. */
  readonly at: number;
  readonly fn: () => void;
  handle?: TimerHandle;
  /** heldTotal when it was armed: a hold since then moved its moment later. */
  heldWhenArmed: number;
  cancelled: boolean;
}

export class HoldableClock implements Scheduler {
  /** Run time the current hold began, while one is on. */
  private heldSince: number | undefined;
  /** Run time held so far, over every hold: plan time = run time - heldTotal. */
  private heldTotal = 0;
  /** Timers that came due during the hold, in the order they came due. */
  private readonly deferred: PlanTimer[] = [];

  constructor(private readonly run: Scheduler) {}

  now(): number {
    return (this.heldSince ?? this.run.now()) - this.heldTotal;
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    const timer: PlanTimer = { at: this.now() + delayMs, fn, cancelled: false, heldWhenArmed: this.heldTotal };
    this.arm(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
        timer.handle?.cancel();
      },
    };
  }

  /** Stops plan time (a second hold while one is on changes nothing). */
  hold(): void {
    this.heldSince ??= this.run.now();
  }

  /** Starts plan time again where it stopped, and the timers that came due meanwhile in their order. */
  release(): void {
    if (this.heldSince === undefined) return;
    this.heldTotal += this.run.now() - this.heldSince;
    this.heldSince = undefined;
    for (const timer of this.deferred.splice(0)) this.arm(timer);
  }

  private arm(timer: PlanTimer): void {
    timer.heldWhenArmed = this.heldTotal;
    timer.handle = this.run.after(Math.max(0, timer.at - this.now()), () => {
      if (timer.cancelled) return;
      if (this.heldSince !== undefined) this.deferred.push(timer);
      // Armed before a hold: its moment moved later. Otherwise the run clock's timer is the moment
      // (now() may read a rounding short of it: re-arming then would let a timer due at the same
      // moment overtake this one, and the plan's order with it).
      else if (this.heldTotal !== timer.heldWhenArmed) this.arm(timer);
      else timer.fn();
    });
  }
}
