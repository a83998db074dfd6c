/**
 * Back-pressure on a real target's runs in flight (harness/stall-backoff.ts), driven by a fake
 * series of how much each ended run stalled: it starts low and doubles each calm wave up to the
 * ceiling; a stalled run halves it, once per runs in flight; it grows back by one per that many
 * calm runs; never below one nor above the ceiling.
 */
import { describe, expect, it } from 'vitest';
import { START_IN_FLIGHT, StallBackoff, TARGET_STALL_SHARE } from '../../harness/stall-backoff.ts';

const stalled = TARGET_STALL_SHARE + 0.2;
const calm = TARGET_STALL_SHARE / 2;

/** Ends `n` runs that stalled `share` each. */
function end(b: StallBackoff, n: number, share: number | undefined): StallBackoff {
  for (let i = 0; i < n; i++) b.ended(share);
  return b;
}

describe('stall back-off', () => {
  it('starts low, doubles each calm wave up to the ceiling, and runs that cannot tell change nothing', () => {
    const b = new StallBackoff(48);
    expect(b.limit).toBe(START_IN_FLIGHT);
    end(b, 100, undefined);
    expect(b.limit).toBe(START_IN_FLIGHT);
    expect(end(b, START_IN_FLIGHT, calm).limit).toBe(2 * START_IN_FLIGHT);
    expect(end(b, 100, calm).limit).toBe(48);
    expect(b.lowest).toBe(48);
    expect(new StallBackoff(4).limit).toBe(4);
  });

  it('halves once for the runs in flight when it cut, then again if the next ones stall too', () => {
    const b = end(new StallBackoff(48), 100, calm);
    b.ended(stalled);
    expect(b.limit).toBe(24);
    // The 47 other runs in flight started before the cut, with it: as they end stalled, nothing more is cut.
    expect(end(b, 47, stalled).limit).toBe(24);
    b.ended(stalled);
    expect(b.limit).toBe(12);
    expect(end(b, 200, stalled).limit).toBe(1);
    expect(b.lowest).toBe(1);
  });

  it('grows back by about one per limit of calm runs after a cut, up to the ceiling', () => {
    const b = new StallBackoff(8);
    b.ended(stalled);
    expect(b.limit).toBe(4);
    expect(end(b, 4, calm).limit).toBe(5);
    expect(end(b, 1_000, calm).limit).toBe(8);
    expect(b.lowest).toBe(4);
  });
});
