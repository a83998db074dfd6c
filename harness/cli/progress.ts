/**
 * Progress for people, on stderr: on a terminal one live line, redrawn at most ten times a second
 * and erased when the run ends; elsewhere (CI logs, pipes) a plain line every few seconds. A real
 * target's run may take minutes: what the run in flight waits for (a status) is shown after the
 * counts, until the next run ends.
 *
 * Between runs the line ticks on its own timer: the counts are those of the last run that ended,
 * but elapsed time, runs per second and the ETA are computed for now (the exploration's elapsed
 * time plus the time since it reported), so a run that takes a minute does not freeze the clock.
 * The timer runs only while something is shown and stops when the line is erased (`clear`).
 */
import type { ExploreProgress } from '../explore-result.ts';
import { formatProgress } from '../../reports/progress-line.ts';

export interface ProgressSink {
  onProgress: (p: ExploreProgress) => void;
  /** What a run in flight is doing or waiting for. */
  onStatus: (line: string) => void;
  /** Erases the live line (before anything else is printed) and stops its tick. */
  clear: () => void;
}

/** The time source and the repeating timer, injected so tests can move time by hand. */
export interface ProgressClock {
  nowMs: () => number;
  /** Calls `tick` every `intervalMs` until the returned function is called. */
  every: (intervalMs: number, tick: () => void) => () => void;
}

const realClock: ProgressClock = {
  nowMs: () => performance.now(),
  every: (intervalMs, tick) => {
    const timer = setInterval(tick, intervalMs).unref(); // never what keeps the process alive
    return () => clearInterval(timer);
  },
};

const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 5_000;
/** How often a terminal's line ticks on its own (elapsed is shown to a tenth of a second). */
const TTY_TICK_MS = 1_000;

export function progressSink(
  stream: NodeJS.WriteStream = process.stderr,
  enabled = true,
  clock: ProgressClock = realClock,
): ProgressSink {
  if (!enabled) return { onProgress: () => {}, onStatus: () => {}, clear: () => {} };
  const tty = stream.isTTY === true;
  const interval = tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS;
  let last = clock.nowMs();
  let shown = false;
  let progress: { reported: ExploreProgress; atMs: number } | undefined;
  let status: string | undefined;
  let stopTicking: (() => void) | undefined;
  const current = (now: number): string | undefined => {
    if (!progress) return undefined;
    const { reported, atMs } = progress;
    return formatProgress({ ...reported, elapsedMs: reported.elapsedMs + Math.max(0, now - atMs) });
  };
  const draw = (): void => {
    const now = clock.nowMs();
    if (now - last < interval) return;
    last = now;
    const line = [current(now), status].filter(Boolean).join(' · ');
    if (line === '') return;
    if (tty) {
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
      shown = true;
    } else stream.write(`upgrade-chaos: ${line}\n`);
  };
  const show = (): void => {
    stopTicking ??= clock.every(tty ? TTY_TICK_MS : PLAIN_INTERVAL_MS, draw);
    draw();
  };
  return {
    onProgress: (p) => {
      progress = { reported: p, atMs: clock.nowMs() };
      status = undefined;
      show();
    },
    onStatus: (line) => {
      status = line;
      show();
    },
    clear: () => {
      stopTicking?.();
      stopTicking = undefined;
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
