/**
 * The closing sequence on a real target, whose controller fires the ties itself: their event and
 * fault records reach the history only at the run's end, so the closing reads what became of them
 * from the quiesce answer (RunEnding.settledTies). A tied half-open asks for a whole resume deadline
 * from when it fired; a tied slow link for a round trip at its delay after its window ended (at its
 * duration, or at quiescence), as its fault records would on the sim; a dropped tie asks for none.
 */
import { describe, expect, it } from 'vitest';
import type { SettledTie } from '../../harness/targets/closing.ts';
import { DEFAULT_DEADLINES } from '../../harness/scenario.ts';
import { closeLiveRun } from './live-closing.ts';

const QUIESCENCE_MS = 10_000;

/** When the closing's quiet wait ended (the `quiet` record) for a run that reached quiescence at
 *  QUIESCENCE_MS with nothing in motion but the ties its controller settled. */
async function quietAt(ties: readonly SettledTie[]): Promise<number> {
  const history = await closeLiveRun({ settledTies: () => ties }, QUIESCENCE_MS);
  return history.records.find((r) => r.type === 'quiet')!.t;
}

describe("the closing, timed by the controller's settled ties", () => {
  const { resumeMs, requestMs } = DEFAULT_DEADLINES;

  it('waits a whole resume deadline from when a tied half-open fired, none for a dropped one', async () => {
    const halfOpen = { kind: 'half-open', client: 0, on: 'watch-next' } as const;
    expect(await quietAt([{ event: halfOpen, t: 4_000, applied: true }])).toBe(4_000 + resumeMs + requestMs);
    expect(await quietAt([{ event: halfOpen, t: QUIESCENCE_MS, applied: false }])).toBe(QUIESCENCE_MS);
  });

  it("waits a round trip at a tied slow link's delay after its window ended, none for a dropped one", async () => {
    const slow = (durationMs: number) =>
      ({ kind: 'slow', client: 0, durationMs, latencyMs: 3_000, on: 'login' }) as const;
    // Ended by its duration, at 5 s; and in force at quiescence, which ended it.
    expect(await quietAt([{ event: slow(3_000), t: 2_000, applied: true }])).toBe(5_000 + 6_000);
    expect(await quietAt([{ event: slow(60_000), t: 2_000, applied: true }])).toBe(QUIESCENCE_MS + 6_000);
    expect(await quietAt([{ event: slow(60_000), t: 2_000, applied: false }])).toBe(QUIESCENCE_MS);
  });
});
