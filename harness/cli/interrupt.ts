/**
 * SIGINT or SIGTERM while a command runs: the first one aborts `signal`, so the exploration stops
 * between cases, skips what is left of shrinking and returns what it found; the command then writes
 * that out and returns 130. A second signal means "now": the process exits 130 at once, unless it
 * came within RELAYED_WITHIN_MS of the first. Ctrl-C or `kill -INT -PGID` signals the whole process
 * group, and a wrapper in it (`timeout`, some CI runners) relays the signal to us again a moment
 * later: taken as "now", that lost everything the first signal was saving.
 */
import { setMaxListeners } from 'node:events';
import { INTERRUPTED_EXIT_CODE } from '../errors.ts';

/** A repeat of the signal this soon after the first is the same interrupt, relayed. */
export const RELAYED_WITHIN_MS = 1_000;

export interface Interrupt {
  signal: AbortSignal;
  /** Which signal came, once one has. */
  readonly received: NodeJS.Signals | undefined;
  /** Says what to do on the first signal (print a line): at once if it came already. */
  announceWith(onFirst: (signal: NodeJS.Signals) => void): void;
  /** Stops listening (always, in a finally). */
  dispose(): void;
}

/** Listens from now on: a command calls it before it starts anything (a server, a container), so
 *  an interrupt never finds a child running and no handler installed (Node would die of the
 *  signal, leaving detached children behind, and not exit 130). */
export function listenForInterrupt(onFirst?: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  // Every run in flight listens to it (dozens with --concurrency): that is no leak.
  setMaxListeners(0, controller.signal);
  let received: NodeJS.Signals | undefined;
  let receivedAt = 0;
  let announce = onFirst;
  const handler = (name: NodeJS.Signals): void => {
    if (received !== undefined) {
      if (Date.now() - receivedAt < RELAYED_WITHIN_MS) return;
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    received = name;
    receivedAt = Date.now();
    announce?.(name);
    controller.abort();
  };
  process.on('SIGINT', handler).on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    announceWith: (then) => {
      announce = then;
      if (received !== undefined) then(received);
    },
    dispose: () => {
      process.off('SIGINT', handler).off('SIGTERM', handler);
    },
  };
}
