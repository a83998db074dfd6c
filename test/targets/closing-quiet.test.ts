/**
 * The closing wait records `quiet reached: false` only when its deadline passed. On a real target the
 * wait sees quiet, then the closing asks again (a round trip), and a client may have started something
 * in between (a rewatch): that answer alone made a run of seconds "never reached quiescence ... at the
 * deadline" (a nightly shard's watchers-resume unknown, 3 s into a 60 s wait).
 */
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../harness/clock.ts';
import { Recorder } from '../../harness/history.ts';
import { closeRun } from '../../harness/targets/closing.ts';
import { DEFAULT_DEADLINES } from '../../harness/scenario.ts';

describe('the closing wait', () => {
  it('goes on waiting when quiet seen once is gone at the second look, and records reached once it holds', async () => {
    const clock = new VirtualScheduler();
    const history = new Recorder(() => clock.now());
    let asked = 0;
    // Quiet at the first look, busy at the second (a rewatch started), quiet from then on.
    const answers = [true, false];
    await closeRun({
      clock,
      history,
      deadlines: DEFAULT_DEADLINES,
      clients: new Map(),
      healFaults: () => {},
      runUntil: async (limitMs, quiet) => {
        while (clock.now() < limitMs) {
          if (quiet && (await quiet())) return;
          clock.runUntil(Math.min(limitMs, clock.now() + 1_000));
        }
      },
      controllerQuiet: () => answers[asked++] ?? true,
      finalModel: () => ({ version: '1.24.0', model: { applications: {} } }),
    });
    const quiet = history.records.find((r) => r.type === 'quiet');
    expect(quiet).toMatchObject({ reached: true });
    expect(asked).toBeGreaterThan(2);
  });
});
