/**
 * The stall budget of a real-time run. A run played at time scale 0.02 has 600 ms of real time for
 * a 30 s deadline; a harness or controller that gets no CPU for part of that (a starved machine)
 * answers late and fires its timers late, and a deadline-judged property would call the lateness
 * a violation. The run records its longest stall (the `lag` record, real targets only); a stall
 * longer than a quarter of the run's shortest deadline makes its timed properties unknown (Property.timed:
 * requests-settle, watchers-resume), and deployments-complete leaves out the deploys a deadline ended
 * (or nothing did). Properties that judge what happened, not when (no-work-before-upgrade,
 * no-lost-work, ...), and deploys a client failed for a reason of its own, are judged still: a
 * stall cannot make work start before an upgrade, nor a script give up on a lost connection.
 */
import type { History } from '../harness/history.ts';

/** The share of the shortest deadline a run may stall for and still be judged on its deadlines. */
export const STALL_BUDGET_SHARE = 0.25;

/** Why the run's deadlines cannot be judged (it stalled past its budget), or undefined. */
export function stalledPastBudget(history: History): string | undefined {
  // The lag record is written at the run's end, after quiescence: a look from the end finds it
  // (a sim's history has none, and costs a few records).
  let stallMs: number | undefined;
  for (let i = history.length - 1; i >= 0 && stallMs === undefined; i--) {
    const r = history[i]!;
    if (r.type === 'lag') stallMs = r.stallMs;
    else if (r.type === 'quiescence') break;
  }
  const start = history[0];
  if (stallMs === undefined || start?.type !== 'run-start') return undefined;
  const shortest = Math.min(start.params.resumeDeadlineMs, start.params.requestDeadlineMs);
  const budget = shortest * STALL_BUDGET_SHARE;
  if (stallMs <= budget) return undefined;
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
  return `the run stalled ${s(stallMs)} of model time (a starved harness or controller), more than its budget of ${s(budget)}: its deadlines cannot be judged`;
}
