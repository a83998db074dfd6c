import { afterEach, describe, expect, it, vi } from 'vitest';
import { listenForInterrupt, RELAYED_WITHIN_MS } from '../../harness/cli/interrupt.ts';
import { INTERRUPTED_EXIT_CODE } from '../../harness/errors.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('cli/interrupt', () => {
  it('takes a signal relayed a moment after the first (timeout, a CI runner) as the same interrupt', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const interrupt = listenForInterrupt();
    try {
      process.emit('SIGINT', 'SIGINT');
      expect(interrupt.signal.aborted).toBe(true);
      vi.advanceTimersByTime(5);
      process.emit('SIGINT', 'SIGINT'); // `timeout` passes the group's Ctrl-C on to its child
      expect(exit).not.toHaveBeenCalled();
      vi.advanceTimersByTime(RELAYED_WITHIN_MS);
      process.emit('SIGTERM', 'SIGTERM'); // a second interrupt, given on purpose: exit now
      expect(exit).toHaveBeenCalledWith(INTERRUPTED_EXIT_CODE);
    } finally {
      interrupt.dispose();
    }
  });
});
