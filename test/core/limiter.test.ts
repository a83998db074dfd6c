/**
 * The limiter that paces runs on a target (harness/limiter.ts): at most its limit at once, first
 * asked first served, and a limit asked anew each time (the stall back-off's) takes effect as tasks
 * end: a lower one starts nothing until enough have ended, a higher one starts the waiting tasks.
 */
import { describe, expect, it } from 'vitest';
import { Limiter } from '../../harness/limiter.ts';

/** Asks `n` slots of `limiter` at once; says which were granted, in order, and lets each be released. */
function ask(limiter: Limiter, n: number) {
  const granted: number[] = [];
  const releases = new Map<number, () => void>();
  for (let i = 0; i < n; i++)
    void limiter.acquire().then((release) => {
      granted.push(i);
      releases.set(i, release);
    });
  return { granted, release: (i: number) => releases.get(i)!() };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('limiter', () => {
  it('grants a fixed limit at once, then one per release, first asked first served', async () => {
    const limiter = new Limiter(2);
    const { granted, release } = ask(limiter, 4);
    await settle();
    expect(granted).toEqual([0, 1]);
    release(1);
    release(1); // twice is once
    await settle();
    expect(granted).toEqual([0, 1, 2]);
    release(0);
    await settle();
    expect(granted).toEqual([0, 1, 2, 3]);
  });

  it('follows a limit that changes: lower, nothing starts until enough ended; higher, the waiting start', async () => {
    let limit = 3;
    const limiter = new Limiter(() => limit);
    const { granted, release } = ask(limiter, 8);
    await settle();
    expect(granted).toEqual([0, 1, 2]);
    limit = 1;
    release(0);
    release(1);
    await settle();
    expect(granted).toEqual([0, 1, 2]); // 2 is still in flight: one at most
    release(2);
    await settle();
    expect(granted).toEqual([0, 1, 2, 3]);
    limit = 4;
    release(3);
    await settle();
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses a limit below one', () => {
    expect(() => new Limiter(0)).toThrow(/limit >= 1/);
  });
});
