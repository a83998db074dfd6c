/**
 * How long this process's event loop stalled while a real-time run was in flight. A run on a real
 * target plays model time scaled down (0.02: 30 s of model time is 600 ms), so a process that gets
 * no CPU for a while (a starved machine, a long GC) answers late, and its timers fire late: a
 * client's ping times out, a request outlives its deadline, not because the controller or the
 * client is wrong but because neither ran. The run records the stall (a `lag` record), and the
 * properties judged against deadlines call such a run unknown rather than violated
 * (properties/stall.ts).
 *
 * One probe per process: a timer every PROBE_MS whose lateness is the stall; each run (each
 * controller session) keeps the largest it saw while it was open. Real timers: never on the sim.
 */

/** Real milliseconds between two looks; the probe's own resolution. */
const PROBE_MS = 10;

/** The largest stall seen while a window was open (real ms). */
export class LagWindow {
  maxMs = 0;
  constructor(private readonly onClose: (w: LagWindow) => void) {}

  /** Stops watching; returns the largest stall seen (real ms). */
  close(): number {
    this.onClose(this);
    return this.maxMs;
  }
}

const open = new Set<LagWindow>();
let timer: ReturnType<typeof setInterval> | undefined;
let last = 0;

function look(): void {
  const now = performance.now();
  const stall = Math.max(0, now - last - PROBE_MS);
  last = now;
  for (const w of open) if (stall > w.maxMs) w.maxMs = stall;
}

/** Watches the event loop until the window is closed. */
export function openLagWindow(): LagWindow {
  const window = new LagWindow((w) => {
    open.delete(w);
    if (open.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  });
  open.add(window);
  if (timer === undefined) {
    last = performance.now();
    timer = setInterval(look, PROBE_MS).unref();
  }
  return window;
}
