/**
 * Back-pressure for runs in flight on a real target. Each run costs the harness and the controller
 * some CPU; on a busy machine (other jobs, or too many runs at once) their event loops stall, and a
 * deadline whose window stalled past its budget cannot be judged (properties/stall.ts): at load 20
 * with 48 runs in flight, 150 of 200 gated-api runs were judged on no deadline at all. Fewer runs in
 * flight stall less, and each is judged.
 *
 * So the number in flight follows what the judge looks at, as TCP's window follows loss: each run
 * that ends gives its stall load (RunResult.stallLoad), the most of its stall budget any deadline
 * that decided something in it used (the deadline windows of its violations, and of the deploys a
 * deadline ended), the same sums stall.ts judges by. A run whose deadlines were all met, or missed
 * with time to spare, is calm however much it stalled elsewhere: a met deadline is met, and a run
 * that stalled 10% of its whole length was judged on every deadline (the old rule, on the whole
 * length, cut an idle two-core machine's 48 in flight to 11-16 and halved its runs per second).
 * Past CUT_STALL_LOAD of the budget, short of where that deadline would not be judged, the run is
 * stalled.
 *
 * It starts at START_IN_FLIGHT (a first wave of 48 on a machine at load 30 stalled 95% of every
 * deadline, and nothing cuts a wave already in flight) and grows by one per calm run, doubling each
 * wave, up to the ceiling. A stalled run halves it, at most once per runs then in flight (those
 * started before the cut stalled for the old number); from then on it grows by one per that many
 * calm runs. Results do not depend on it: cases are drawn and noted in case order whatever runs at
 * once (ordered-survey.ts).
 */

/** A deadline may use this share of its stall budget (stall.ts windowStallLoad) before the runs in
 *  flight are cut: a margin under 1, past which that deadline is not judged, so that the runs are
 *  cut while the deadlines decided under stalls are still judged. */
export const CUT_STALL_LOAD = 0.7;

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

  /** A run ended whose deadlines used `load` of their stall budget at most (RunResult.stallLoad:
   *  0 none, past 1 not judged; undefined: it cannot tell, as the sim). */
  ended(load: number | undefined): void {
    if (load === undefined) return;
    const graced = this.grace > 0;
    if (graced) this.grace--;
    if (load > CUT_STALL_LOAD) {
      if (graced) return;
      this.grace = this.limit - 1;
      this.window = this.threshold = Math.max(1, this.window / 2);
      this.lowest = Math.min(this.lowest, this.limit);
    } else this.window = Math.min(this.ceiling, this.window + (this.window < this.threshold ? 1 : 1 / this.limit));
  }
}
