/**
 * Back-pressure on a real target's runs in flight (harness/stall-backoff.ts), driven by a series of
 * ended runs' stall loads (how much of its stall budget the worst deadline that decided something
 * used; properties/stall.ts): it starts low and doubles each calm wave up to the ceiling; a stalled
 * run (past CUT_STALL_LOAD) halves it, once per runs in flight; it grows back by one per that many
 * calm runs; never below one nor above the ceiling.
 */
import { describe, expect, it } from 'vitest';
import { CUT_STALL_LOAD, START_IN_FLIGHT, StallBackoff } from '../../harness/stall-backoff.ts';

/** A deadline that used 90% of its stall budget (still judged, with little to spare), and one at 35%. */
const stalled = 0.9;
const calm = 0.35;

/** Ends `n` runs of stall load `load` each. */
function end(b: StallBackoff, n: number, load: number | undefined): StallBackoff {
  for (let i = 0; i < n; i++) b.ended(load);
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

  it('cuts past CUT_STALL_LOAD, short of the load at which a deadline is not judged (1), and not at it', () => {
    expect(CUT_STALL_LOAD).toBeGreaterThan(0.5);
    expect(CUT_STALL_LOAD).toBeLessThan(1);
    expect(end(new StallBackoff(48), 1, CUT_STALL_LOAD).limit).toBe(START_IN_FLIGHT + 1);
    expect(end(new StallBackoff(48), 1, CUT_STALL_LOAD + 0.01).limit).toBe(START_IN_FLIGHT / 2);
    expect(end(new StallBackoff(48), 1, 5).limit).toBe(START_IN_FLIGHT / 2); // deadlines not judged
  });

  it('never cuts for runs whose deadlines used none of their budget, however long the runs stalled', () => {
    // A load of 0: every deadline met, or missed with no stall in its window (the old rule cut on
    // a run's whole length stalled, and cut an idle machine's 48 in flight to 11).
    const b = end(new StallBackoff(48), 1_000, 0);
    expect(b.limit).toBe(48);
    expect(b.lowest).toBe(48);
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
