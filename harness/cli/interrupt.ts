/**
 * SIGINT or SIGTERM while a command runs: the first one aborts `signal`, so the exploration stops
 * between cases, skips what is left of shrinking and returns what it found; the command then writes
 * that out and returns 130. A second signal means "now": the process exits 130 at once.
 */
export interface Interrupt {
  signal: AbortSignal;
  /** Which signal came, once one has. */
  readonly received: NodeJS.Signals | undefined;
  /** Stops listening (always, in a finally). */
  dispose(): void;
}

export const INTERRUPTED_EXIT_CODE = 130;

export function listenForInterrupt(onFirst?: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (name: NodeJS.Signals): void => {
    if (received !== undefined) process.exit(INTERRUPTED_EXIT_CODE);
    received = name;
    onFirst?.(name);
    controller.abort();
  };
  process.on('SIGINT', handler).on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose: () => {
      process.off('SIGINT', handler).off('SIGTERM', handler);
    },
  };
}
