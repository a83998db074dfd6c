/**
 * The sim's model of a paused controller (docker pause, SIGSTOP): every process of it frozen. Its
 * code runs nothing: timers that come due wait, and so does whatever reaches it (frames, new
 * connections, the operator's commands). Time goes on, so on resume everything that waited runs
 * at once, in the order it came due or arrived, as a process thawed by SIGCONT catches up. Clients
 * and the network are not frozen: frames already on their way to a client still land.
 */
import type { Scheduler, TimerHandle } from '../../clock.ts';

/** A timer of the controller's: cancelled, it must not run even if it came due during a pause. */
class FrozenTimer implements TimerHandle {
  cancelled = false;
  inner: TimerHandle | undefined;
  constructor(
    readonly fn: () => void,
    /** The process life that set it (ControllerFreeze.kill). */
    readonly life: number,
  ) {}
  cancel(): void {
    this.cancelled = true;
    this.inner?.cancel();
  }
}

export class ControllerFreeze {
  private waiting: (() => void)[] | undefined;
  /** Bumped when the process is killed: timers of an earlier life never fire. */
  private life = 0;

  get paused(): boolean {
    return this.waiting !== undefined;
  }

  /** Runs `fn` now, or at the resume when the controller is paused. */
  run(fn: () => void): void {
    if (this.waiting) this.waiting.push(fn);
    else fn();
  }

  /** The controller's clock: its time is everyone's, its timers fire through run(). */
  scheduler(clock: Scheduler): Scheduler {
    return {
      now: () => clock.now(),
      after: (delayMs, fn) => {
        const timer = new FrozenTimer(fn, this.life);
        timer.inner = clock.after(delayMs, () => this.fire(timer));
        return timer;
      },
    };
  }

  /** A timer came due: it runs now, or at the resume (a closure only then), unless cancelled or
   *  set by an earlier life by the time it runs. */
  private fire(timer: FrozenTimer): void {
    if (this.waiting) this.waiting.push(() => this.fireNow(timer));
    else this.fireNow(timer);
  }

  private fireNow(timer: FrozenTimer): void {
    if (!timer.cancelled && timer.life === this.life) timer.fn();
  }

  /** The process is killed (a crash): none of its timers fires any more; a new process's do. */
  kill(): void {
    this.life++;
  }

  /** false when it was paused already. */
  pause(): boolean {
    if (this.waiting) return false;
    this.waiting = [];
    return true;
  }

  /** Runs what waited, in order (what it runs may add more: that runs too). false when not paused. */
  resume(): boolean {
    const waiting = this.waiting;
    if (!waiting) return false;
    this.waiting = undefined;
    for (const fn of waiting) fn();
    return true;
  }
}
