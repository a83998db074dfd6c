/**
 * Real-time delivery after a delay that may change, order kept: a link's messages never overtake
 * one another, as TCP keeps them in order, when the delay drops (a slow link's window ends) under
 * messages still on their way. One timer at a time, for the oldest message: two timers of different
 * durations give no order Node promises for messages due in the same millisecond.
 */
export class OrderedDelay {
  private readonly queue: { at: number; action: () => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastAt = 0;

  /** Runs `action` delayMs from now, or later if an earlier one is due later; at once when nothing
   *  waits and there is no delay. */
  run(delayMs: number, action: () => void): void {
    if (delayMs <= 0 && this.queue.length === 0) return action();
    const at = Math.max(this.lastAt, Date.now() + Math.max(0, delayMs));
    this.lastAt = at;
    this.queue.push({ at, action });
    if (this.queue.length === 1) this.arm();
  }

  /** Drops what waits (the link is gone). */
  clear(): void {
    this.queue.length = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const head = this.queue[0];
    if (head === undefined) return;
    this.timer = setTimeout(this.due, Math.max(0, head.at - Date.now()));
  }

  private readonly due = (): void => {
    this.timer = undefined;
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now) this.queue.shift()!.action();
    this.arm();
  };
}
