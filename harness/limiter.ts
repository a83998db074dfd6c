/**
 * Paces concurrent work on a target: the runs of an exploration's confirmations, of replay
 * --repeat, of the process bench. (Phase one keeps its own count of cases in flight: ordered-survey.ts.)
 */

/** At most `limit` tasks at once; the others wait their turn, first asked first served. The limit
 *  may be asked anew each time (back-pressure: stall-backoff.ts): a lower one lets no task start
 *  until enough have ended, a higher one starts the waiting tasks as the next one ends. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly limitNow: () => number;

  constructor(limit: number | (() => number)) {
    this.limitNow = typeof limit === 'number' ? () => limit : limit;
    const first = this.limitNow();
    if (!(Number.isInteger(first) && first >= 1)) throw new Error(`a limiter needs a limit >= 1, got ${first}`);
  }

  /** The most tasks at once now. */
  get limit(): number {
    return Math.max(1, this.limitNow());
  }

  /** Resolves with a release function once a slot is free. */
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // a releaser counted it in
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      while (this.waiting.length > 0 && this.active < this.limit) {
        this.active++;
        this.waiting.shift()!();
      }
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}
