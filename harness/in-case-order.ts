/**
 * Runs cases concurrently and hands their results over in case order, as if they had run one by
 * one: a consumer that stops at case k (every property violated) never sees a case after k, and
 * a case that failed with an error surfaces in its place, not when it happened to finish first.
 * Cases are started in order too, at most `limiter.limit` at a time (shared with whatever else
 * the limiter paces, such as shrink confirmations).
 */

/** At most `limit` tasks at once; the others wait their turn, first asked first served. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new Error(`a limiter needs a limit >= 1, got ${limit}`);
  }

  /** Resolves with a release function once a slot is free. */
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the releaser hands its slot over
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
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

type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface InCaseOrderOptions<C, R> {
  limiter: Limiter;
  run: (item: C, index: number) => Promise<R>;
  /** Called in case order; false stops the exploration (no later case is handed over). */
  take: (result: R, item: C, index: number) => boolean;
  /** Asked before each case starts: false starts no more (a time limit). */
  mayStart?: () => boolean;
}

/** Runs `items` as described above; rejects with the error of the first case (in case order) that had one. */
export async function runInCaseOrder<C, R>(items: readonly C[], options: InCaseOrderOptions<C, R>): Promise<void> {
  const done = new Map<number, Outcome<R>>();
  let next = 0;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  const handOver = (): void => {
    for (let outcome = done.get(next); !stopped && outcome; outcome = done.get(next)) {
      done.delete(next);
      if (!outcome.ok) {
        failure = { error: outcome.error };
        stopped = true;
      } else if (!options.take(outcome.value, items[next]!, next)) stopped = true;
      next++;
    }
  };
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < items.length && !stopped && (options.mayStart?.() ?? true); i++) {
    const release = await options.limiter.acquire();
    if (stopped || !(options.mayStart?.() ?? true)) {
      release();
      break;
    }
    const index = i;
    const settle = (outcome: Outcome<R>): void => {
      release();
      done.set(index, outcome);
      handOver();
    };
    inFlight.push(
      options.run(items[index]!, index).then(
        (value) => settle({ ok: true, value }),
        (error: unknown) => settle({ ok: false, error }),
      ),
    );
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
}
