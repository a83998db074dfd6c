/**
 * Progress for people, on stderr: on a terminal one live line, redrawn at most ten times a second
 * and erased when the run ends; elsewhere (CI logs, pipes) a plain line every few seconds.
 */
import type { ExploreProgress } from '../explore-result.ts';
import { formatProgress } from '../../reports/progress-line.ts';

export interface ProgressSink {
  onProgress: (p: ExploreProgress) => void;
  /** Erases the live line (before anything else is printed). */
  clear: () => void;
}

const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 5_000;

export function progressSink(stream: NodeJS.WriteStream = process.stderr, enabled = true): ProgressSink {
  if (!enabled) return { onProgress: () => {}, clear: () => {} };
  const tty = stream.isTTY === true;
  const interval = tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS;
  let last = performance.now();
  let shown = false;
  return {
    onProgress: (p) => {
      const now = performance.now();
      if (now - last < interval) return;
      last = now;
      if (tty) {
        stream.write(`\r\x1b[2K${formatProgress(p).slice(0, (stream.columns ?? 120) - 1)}`);
        shown = true;
      } else stream.write(`upgrade-chaos: ${formatProgress(p)}\n`);
    },
    clear: () => {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
