/**
 * Time as the controller model and the clients see it. The sim drives it with a virtual clock
 * (VirtualScheduler); the controller server and the real-wire clients drive it with real timers
 * (RealScheduler). Code under test never reads time any other way.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  /** Milliseconds since the run started. */
  now(): number;
  /** Calls fn after delayMs; a cancelled timer never fires. */
  after(delayMs: number, fn: () => void): TimerHandle;
}

/** A timer of the virtual clock, and its own handle: one object per timer, no closure. */
class Pending implements TimerHandle {
  cancelled = false;
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}
  cancel(): void {
    this.cancelled = true;
  }
}

/**
 * A discrete-event scheduler on a virtual clock: a binary heap ordered by (time, insertion order),
 * so equal-time timers fire in the order they were set and a run is a pure function of its inputs.
 */
export class VirtualScheduler implements Scheduler {
  private heap: Pending[] = [];
  private seq = 0;
  private time = 0;

  now(): number {
    return this.time;
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    const entry = new Pending(this.time + Math.max(0, delayMs), this.seq++, fn);
    this.push(entry);
    return entry;
  }

  /** Fires the next live timer; false when none is left. */
  step(): boolean {
    for (;;) {
      const entry = this.pop();
      if (!entry) return false;
      if (entry.cancelled) continue;
      this.time = entry.at;
      entry.fn();
      return true;
    }
  }

  /** Time of the next live timer, or undefined. */
  peekTime(): number | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0]?.at;
  }

  /** Runs every timer due at or before `time`, then sets the clock to `time`. */
  runUntil(time: number, stop?: () => boolean): void {
    for (;;) {
      if (stop?.()) return;
      // peekTime() then step(), with one look at the heap's top: the sim's main loop.
      if (this.peekTime() === undefined) break;
      const entry = this.heap[0]!;
      if (entry.at > time) break;
      this.pop();
      this.time = entry.at;
      entry.fn();
    }
    if (time > this.time) this.time = time;
  }

  private less(x: Pending, y: Pending): boolean {
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  // Sift with a hole rather than swaps: no temporary arrays on the sim's hottest path.
  private push(entry: Pending): void {
    const h = this.heap;
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!this.less(entry, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): Pending | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[m]!, last)) break;
      h[i] = h[m]!;
      i = m;
    }
    h[i] = last;
    return top;
  }
}

/*
 * V8 stores a number field as a small integer until it first holds a fraction; then every object of
 * the class moves to a new hidden class and each optimized function that reads the field deopts and
 * compiles again. A sim run's times turn fractional within its first runs (push, pop, after,
 * peekTime, runUntil and the recorder's now() all deopted there, in every isolate): a scheduler and
 * a timer that hold a fraction from the start give both fields their final storage before any code
 * is optimized. They are dropped at once and change no time.
 */
new VirtualScheduler().runUntil(0.5);
new Pending(0.5, 0, () => {});

/** Milliseconds since the Unix epoch, sub-millisecond and comparable across processes on a machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Real timers, for the controller server and clients on real sockets. `scale` plays time faster
 * (0.05: every delay takes 5% of its length, and now() counts in unscaled ms). `originEpochMs` lets
 * two processes (the harness and the controller server) share one time zero, so their records
 * merge into one history.
 *
 * Time holds still during one synchronous step, as it does while the virtual clock fires a timer:
 * what a step does happens at one instant. Properties read records of one step as simultaneous (a
 * Deploy's request is recorded after the hooks it starts); at time scale 0.04 a tenth of a real
 * millisecond between two of them, on a loaded machine, was 3 ms of model time, and the hooks read
 * as started after an earlier removal of their application.
 */
export class RealScheduler implements Scheduler {
  private readonly start: number;
  private stepNow: number | undefined;
  constructor(
    private readonly scale = 1,
    originEpochMs?: number,
  ) {
    this.start = originEpochMs === undefined ? performance.now() : originEpochMs - performance.timeOrigin;
  }
  now(): number {
    if (this.stepNow === undefined) {
      this.stepNow = Math.max(0, Math.round((performance.now() - this.start) / this.scale));
      // Cleared once this step ends (a microtask): the next callback or continuation reads afresh.
      queueMicrotask(() => (this.stepNow = undefined));
    }
    return this.stepNow;
  }
  after(delayMs: number, fn: () => void): TimerHandle {
    // Whole milliseconds: Node keys its timer lists by duration, and fractional durations (a
    // scaled delay) left the event loop spinning on timer lists it never drained once many runs
    // shared one process.
    const t = setTimeout(fn, Math.round(Math.max(0, delayMs) * this.scale));
    return { cancel: () => clearTimeout(t) };
  }
}

/**
 * A scheduler whose timers can all be cancelled at once, and which sets none after that: the end
 * of a real-time run, or a controller server's reset, must silence everything the run started
 * (a model's unit agents and watchers keep timers its own dispose() leaves running).
 */
export class ScopedScheduler implements Scheduler {
  private readonly live = new Set<TimerHandle>();
  private closed = false;
  constructor(private readonly inner: Scheduler) {}
  now(): number {
    return this.inner.now();
  }
  after(delayMs: number, fn: () => void): TimerHandle {
    if (this.closed) return { cancel: () => {} };
    const handle: TimerHandle = this.inner.after(delayMs, () => {
      this.live.delete(handle);
      fn();
    });
    this.live.add(handle);
    return {
      cancel: () => {
        handle.cancel();
        this.live.delete(handle);
      },
    };
  }
  cancelAll(): void {
    this.closed = true;
    for (const t of this.live) t.cancel();
    this.live.clear();
  }
}
