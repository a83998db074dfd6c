/**
 * How long this process's event loop stalled while a real-time run was in flight. A run on a real
 * target plays model time scaled down (0.02: 30 s of model time is 600 ms), so a process that gets
 * no CPU for a while (a starved machine, a long GC) answers late, and its timers fire late: a
 * client's ping times out, a request outlives its deadline, not because the controller or the
 * client is wrong but because neither ran. The run records its stalls (a `lag` record), and the
 * properties judged against deadlines call such a run, or such a violation, unknown rather than
 * violated (properties/stall.ts).
 *
 * One probe per process: a timer every PROBE_MS whose lateness is the stall. Each run (each
 * controller session) keeps the largest stall it saw while it was open, and every stall of at
 * least COUNTED_STALL_MS with its moment: a loop busy with other runs' work stalls a few tens of
 * milliseconds at every turn, never long at once, and only the sum over a deadline's window shows
 * that a client had no time to meet it. Real timers: never on the sim.
 */
import type { Stall } from './history.ts';

/** Real milliseconds between two looks; the probe's own resolution. */
const PROBE_MS = 10;
/**
 * Real milliseconds a look must be late to count as a stall. A process with nothing to do is late
 * by under 1 ms at most looks (timer granularity) and by 2 ms or more at about one look in fifty on
 * a loaded two-core machine: counting every look would call a twentieth of an idle run stalled.
 */
export const COUNTED_STALL_MS = 2;
/** Stalls a window keeps; past that, neighbours are summed two by two (a run stalled for minutes). */
const MAX_STALLS = 4_096;

/** The clock a window reports its stalls in: a run's model time (clock.ts RealScheduler). */
export interface StallClock {
  /** The run's time zero, ms since the epoch. */
  originEpochMs: number;
  /** Real time per model millisecond. */
  timeScale: number;
}

/** The stalls seen while a window was open. */
export class LagWindow {
  /** The largest stall seen (real ms). */
  maxMs = 0;
  /** Stalls of at least COUNTED_STALL_MS, flat pairs: start (performance.now() ms), length (real ms). */
  private readonly counted: number[] = [];

  constructor(
    private readonly clock: StallClock | undefined,
    private readonly onClose: (w: LagWindow) => void,
  ) {}

  /** A stall of `ms` real milliseconds that ended at `endMs` (performance.now()). */
  note(endMs: number, ms: number): void {
    if (ms > this.maxMs) this.maxMs = ms;
    if (ms < COUNTED_STALL_MS) return;
    this.counted.push(endMs - ms, ms);
    if (this.counted.length > 2 * MAX_STALLS) halve(this.counted);
  }

  /** The counted stalls in model time, [t, ms] each, in time order (none without a clock). */
  stalls(): Stall[] {
    const clock = this.clock;
    if (!clock) return [];
    const start = clock.originEpochMs - performance.timeOrigin;
    const model = (realMs: number): number => Math.round(realMs / clock.timeScale);
    const stalls: Stall[] = [];
    for (let i = 0; i < this.counted.length; i += 2)
      stalls.push([Math.max(0, model(this.counted[i]! - start)), model(this.counted[i + 1]!)]);
    return stalls;
  }

  /** Stops watching; returns the largest stall seen (real ms). */
  close(): number {
    this.onClose(this);
    return this.maxMs;
  }
}

/** Sums neighbouring stalls two by two (each pair keeps the first one's start). */
function halve(flat: number[]): void {
  let out = 0;
  for (let i = 0; i < flat.length; i += 4) {
    flat[out++] = flat[i]!;
    flat[out++] = flat[i + 1]! + (flat[i + 3] ?? 0);
  }
  flat.length = out;
}

const open = new Set<LagWindow>();
let timer: ReturnType<typeof setInterval> | undefined;
let last = 0;

function look(): void {
  const now = performance.now();
  const stall = Math.max(0, now - last - PROBE_MS);
  last = now;
  if (stall > 0) for (const w of open) w.note(now, stall);
}

/** Watches the event loop until the window is closed; its stalls() are in `clock`'s model time. */
export function openLagWindow(clock?: StallClock): LagWindow {
  const window = new LagWindow(clock, (w) => {
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

/**
 * The union of two processes' stalls (the harness's and the controller's), in time order: where
 * both stalled at once (a starved machine starves both), the time counts once. Each stall is the
 * span [t, t + ms].
 */
export function unionStalls(a: readonly Stall[], b: readonly Stall[]): Stall[] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const union: Stall[] = [];
  for (const [t, ms] of all) {
    const prev = union.at(-1);
    if (prev && t <= prev[0] + prev[1]) prev[1] = Math.max(prev[1], t + ms - prev[0]);
    else union.push([t, ms]);
  }
  return union;
}
