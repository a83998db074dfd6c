/**
 * Back-pressure for runs in flight on a real target. Each run costs the harness and the controller
 * some CPU; on a busy machine (other jobs, or too many runs at once) their event loops stall, and a
 * deadline whose window stalled past its budget cannot be judged (properties/stall.ts): at load 20
 * with 48 runs in flight, 150 of 200 gated-api runs were judged on no deadline at all. Fewer runs in
 * flight stall less, and each is judged.
 *
 * So the number in flight follows how much the runs that just ended stalled (their lag records:
 * the harness's and the controller's stalls together), as TCP's window follows loss. It starts at
 * START_IN_FLIGHT (a first wave of 48 on a machine at load 30 stalled 95% of every deadline, and
 * nothing cuts a wave already in flight) and grows by one per run that stalled less than
 * TARGET_STALL_SHARE of its length, doubling each wave, up to the ceiling. A run that stalled more
 * halves it, at most once per runs then in flight (those started before the cut stalled for the old
 * number); from then on it grows by one per that many calm runs. Results do not depend on it:
 * cases are drawn and noted in case order whatever runs at once (ordered-survey.ts).
 */

/** A run may stall this share of its length before the runs in flight are cut: well under the
 *  quarter of a deadline's window past which that deadline is not judged (stall.ts). */
export const TARGET_STALL_SHARE = 0.1;

/** Runs in flight at first: two waves reach the default ceiling of a two-core machine (48). */
export const START_IN_FLIGHT = 16;

export class StallBackoff {
  /** The current number in flight, fractional so that growth is one per `limit` runs. */
  private window: number;
  /** Below this the window doubles each wave; above it, grows by one (half the window at the last cut). */
  private threshold: number;
  /** Runs still to end before another cut: the others in flight when the last one was made. */
  private grace = 0;
  /** The lowest number in flight the runs were cut to (the ceiling if never cut). */
  lowest: number;

  constructor(readonly ceiling: number) {
    if (!(Number.isInteger(ceiling) && ceiling >= 1)) throw new Error(`a ceiling >= 1 is needed, got ${ceiling}`);
    this.window = Math.min(ceiling, START_IN_FLIGHT);
    this.threshold = ceiling;
    this.lowest = ceiling;
  }

  /** Runs that may be in flight now. */
  get limit(): number {
    return Math.max(1, Math.floor(this.window));
  }

  /** A run ended having stalled `share` of its length (0..1; undefined: it cannot tell, as the sim). */
  ended(share: number | undefined): void {
    if (share === undefined) return;
    const graced = this.grace > 0;
    if (graced) this.grace--;
    if (share > TARGET_STALL_SHARE) {
      if (graced) return;
      this.grace = this.limit - 1;
      this.window = this.threshold = Math.max(1, this.window / 2);
      this.lowest = Math.min(this.lowest, this.limit);
    } else this.window = Math.min(this.ceiling, this.window + (this.window < this.threshold ? 1 : 1 / this.limit));
  }
}
