/**
 * The stall budget of a real-time run. A run played at time scale 0.02 has 600 ms of real time for
 * a 30 s deadline; a harness or controller that gets no CPU for part of that (a starved machine)
 * answers late and fires its timers late, and a deadline-judged property would call the lateness
 * a violation. The run records its stalls (the `lag` record, real targets only), and each deadline
 * is judged on the stalls within its own window: a violation a deadline decided (Violation.since)
 * is unknown when the stalls from `since` to the violation add up to more than a quarter of that
 * window, and deployments-complete leaves out the deploys a deadline ended (or nothing did) in
 * such a window. A loop busy with forty other runs stalls 30 ms at every turn and never 150 ms at
 * once, yet a client that needs ten turns to reconnect gets a third of its deadline: only the sum
 * shows it.
 *
 * Everything else is judged, stall or not. A violation whose window stalled within its budget
 * stays a violation, so a client that never comes back is caught on a loaded machine too (a rule
 * that called the whole run unknown for one long stall anywhere hid libjuju's expected
 * watchers-resume violation in 50 of 50 runs at load 20). A deadline met is met: a stall only makes
 * answers later. Properties that judge what happened, not when (no-work-before-upgrade,
 * no-lost-work, ...), and deploys a client failed for a reason of its own, never look at stalls: a
 * stall cannot make work start before an upgrade, nor a script give up on a lost connection.
 *
 * A history written before the lag record kept every stall knows only its longest: there, a stall
 * longer than a quarter of the run's shortest deadline makes its timed properties unknown
 * (Property.timed: requests-settle, watchers-resume), as it did then (stalledPastBudget).
 */
import type { History, Stall } from '../harness/history.ts';
import { formatMs } from '../harness/plan.ts';
import { HistoryIndex } from './history-index.ts';

/** The share of a deadline a run may stall for and still be judged on it. */
export const STALL_BUDGET_SHARE = 0.25;

/** The run's lag record (HistoryIndex.lag: the last one after quiescence; a sim's history has none). */
const lagRecord = (history: History) => HistoryIndex.of(history).lag;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** Why none of the run's deadlines can be judged, or undefined: a history that knows only its
 *  longest stall (written before the lag record kept them all) and stalled past its budget. A
 *  history with its stalls is judged deadline by deadline instead (stalledWindow). */
export function stalledPastBudget(history: History): string | undefined {
  const lag = lagRecord(history);
  const start = history[0];
  if (!lag || lag.stalls || start?.type !== 'run-start') return undefined;
  const stallMs = lag.stallMs;
  const shortest = Math.min(start.params.resumeDeadlineMs, start.params.requestDeadlineMs);
  const budget = shortest * STALL_BUDGET_SHARE;
  if (stallMs <= budget) return undefined;
  return `the run stalled ${seconds(stallMs)} of model time (a starved harness or controller), more than its budget of ${seconds(budget)}: its deadlines cannot be judged`;
}

/** Model milliseconds of `stalls` (in time order) that fall within [from, to]. */
export function stalledWithin(stalls: readonly Stall[], from: number, to: number): number {
  let sum = 0;
  for (const [t, ms] of stalls) {
    if (t >= to) break;
    sum += Math.max(0, Math.min(to, t + ms) - Math.max(from, t));
  }
  return sum;
}

/** The stalls within a deadline window from `from` to `to` (model ms) and that window's budget;
 *  undefined when no stalls are recorded (a sim's run, an older history) or the window is empty. */
function windowStall(history: History, from: number, to: number): { stalled: number; budget: number } | undefined {
  const stalls = lagRecord(history)?.stalls;
  if (!stalls || to <= from) return undefined;
  return { stalled: stalledWithin(stalls, from, to), budget: (to - from) * STALL_BUDGET_SHARE };
}

/** Why a deadline whose window ran from `from` to `to` (model ms) cannot be judged: the run stalled
 *  more than the budget's share of that window within it. Undefined when it can (or no stalls are
 *  recorded: a sim's run, an older history). */
export function stalledWindow(history: History, from: number, to: number): string | undefined {
  const window = windowStall(history, from, to);
  if (!window || window.stalled <= window.budget) return undefined;
  const { stalled, budget } = window;
  return `the run stalled ${seconds(stalled)} of model time (a starved harness or controller) within the ${seconds(to - from)} from t=${formatMs(from)} to t=${formatMs(to)} that decided a deadline, more than its budget of ${seconds(budget)}: that deadline cannot be judged`;
}

/**
 * How much of its stall budget a deadline window from `from` to `to` (model ms) used: the stalls
 * within it over the budget, so past 1 that deadline is not judged (stalledWindow). 0 when no
 * stalls are recorded. What back-pressure on a real target's runs in flight follows
 * (harness/stall-backoff.ts): the deadlines that decided something, not the run's whole length.
 */
export function windowStallLoad(history: History, from: number, to: number): number {
  const window = windowStall(history, from, to);
  return window ? window.stalled / window.budget : 0;
}

/** Whether the run recorded its stalls (a real target's lag record since it kept them all). */
export function recordsStalls(history: History): boolean {
  return lagRecord(history)?.stalls !== undefined;
}
