/**
 * Progress for people, on stderr: on a terminal one live line, redrawn at most ten times a second
 * and erased when the run ends; elsewhere (CI logs, pipes) a plain line every few seconds. A real
 * target's run may take minutes: what the run in flight waits for (a status) is shown after the
 * counts, until the next run ends.
 */
import type { ExploreProgress } from '../explore-result.ts';
import { formatProgress } from '../../reports/progress-line.ts';

export interface ProgressSink {
  onProgress: (p: ExploreProgress) => void;
  /** What a run in flight is doing or waiting for. */
  onStatus: (line: string) => void;
  /** Erases the live line (before anything else is printed). */
  clear: () => void;
}

const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 5_000;

export function progressSink(stream: NodeJS.WriteStream = process.stderr, enabled = true): ProgressSink {
  if (!enabled) return { onProgress: () => {}, onStatus: () => {}, clear: () => {} };
  const tty = stream.isTTY === true;
  const interval = tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS;
  let last = performance.now();
  let shown = false;
  let progress: ExploreProgress | undefined;
  let status: string | undefined;
  const draw = (): void => {
    const now = performance.now();
    if (now - last < interval) return;
    last = now;
    const line = [progress && formatProgress(progress), status].filter(Boolean).join(' · ');
    if (tty) {
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
      shown = true;
    } else stream.write(`upgrade-chaos: ${line}\n`);
  };
  return {
    onProgress: (p) => {
      progress = p;
      status = undefined;
      draw();
    },
    onStatus: (line) => {
      status = line;
      draw();
    },
    clear: () => {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
