/**
 * Spaces the starts of runs that share one controller server. An exploration starts as many runs
 * as it keeps in flight at once, and each run's start (a session opened, clients dialling and
 * logging in, the bootstrap) is where its CPU goes: 32 of them together stalled the harness and the
 * server past the runs' real-time budgets (a dial times out after 5 model-seconds, 100 ms at the
 * default time scale), so the whole first wave ran stretched and was judged "stalled" on a loaded
 * two-core machine. Spread a few milliseconds apart, they cost the same and stall nothing; once
 * runs end at different times, starts are further apart than this anyway.
 */
export class StartPacer {
  /** When the next start may go (performance.now() milliseconds). */
  private nextAt = 0;

  constructor(private readonly spacingMs: number) {}

  /** Resolves when this start's turn has come: spacingMs after the one before it, at the earliest. */
  async turn(): Promise<void> {
    const now = performance.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.spacingMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
