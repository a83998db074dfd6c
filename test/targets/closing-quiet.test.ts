/**
 * The closing wait records `quiet reached: false` only when its deadline passed. On a real target the
 * wait sees quiet, then the closing asks again (a round trip), and a client may have started something
 * in between (a rewatch): that answer alone made a run of seconds "never reached quiescence ... at the
 * deadline" (a nightly shard's watchers-resume unknown, 3 s into a 60 s wait).
 */
import { describe, expect, it } from 'vitest';
import { closeLiveRun } from './live-closing.ts';

describe('the closing wait', () => {
  it('goes on waiting when quiet seen once is gone at the second look, and records reached once it holds', async () => {
    let asked = 0;
    // Quiet at the first look, busy at the second (a rewatch started), quiet from then on.
    const answers = [true, false];
    const history = await closeLiveRun({ controllerQuiet: () => answers[asked++] ?? true });
    const quiet = history.records.find((r) => r.type === 'quiet');
    expect(quiet).toMatchObject({ reached: true });
    expect(asked).toBeGreaterThan(2);
  });
});
