/**
 * A real-time run that stalled (a starved harness or controller: its lag record) past its budget
 * cannot judge deadlines: its timed properties are unknown, violations or not. The properties that
 * judge what happened, not when, still judge it, so a stall hides no race such as 1.22's.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryBody, Stall } from '../../harness/history.ts';
import {
  deploymentsComplete,
  judge,
  noWorkBeforeUpgrade,
  requestsSettle,
  watchersResume,
} from '../../properties/index.ts';
import { judgeRun } from '../../harness/runner.ts';
import { STALL_BUDGET_SHARE, stalledPastBudget, stalledWithin, windowStallLoad } from '../../properties/stall.ts';
import { history, messages } from './build.ts';

const call: HistoryBody = {
  type: 'call',
  client: 'client-0',
  conn: 1,
  call: 1,
  facade: 'Client',
  method: 'FullStatus',
  longPoll: false,
};
/** requestDeadlineMs 500 (build.ts): the budget is a quarter of it. */
const budgetMs = 500 * STALL_BUDGET_SHARE;

/** A call never answered, a run that stalled `stallMs` (none: a sim's run, with no lag record). */
function unanswered(stallMs?: number) {
  const h = history().at(10, call).at(2_000, { type: 'quiescence' }).at(2_100, { type: 'quiet', reached: true });
  if (stallMs !== undefined) h.at(2_200, { type: 'lag', stallMs });
  return h.at(2_200, { type: 'final-model', version: '1.24.2', model: { applications: {} } }).end(2_200);
}

describe('a stalled run', () => {
  it('judges its deadlines when it stalled within its budget, or has no lag record', () => {
    expect(judge(requestsSettle, unanswered()).verdict).toBe('violated');
    expect(judge(requestsSettle, unanswered(budgetMs)).verdict).toBe('violated');
  });

  it('calls its deadlines unknown, with why, past its budget', () => {
    expect(judge(requestsSettle, unanswered(budgetMs + 1))).toEqual({
      property: 'requests-settle',
      verdict: 'unknown',
      reason: expect.stringMatching(/the run stalled .* more than its budget .* deadlines cannot be judged/),
    });
  });

  it('leaves out of deployments-complete the deploys its deadline ended, not those the client failed itself', () => {
    const deploy = (op: number): HistoryBody => ({
      type: 'invoke',
      client: 'client-0',
      op,
      f: 'deploy',
      value: { app: `app${op}`, units: 1 },
    });
    const h = history()
      .at(10, deploy(1))
      .at(10, deploy(2))
      .at(500, { type: 'fail', client: 'client-0', op: 1, f: 'deploy', error: 'deadline exceeded' })
      .at(600, { type: 'fail', client: 'client-0', op: 2, f: 'deploy', error: 'lost the connection to the controller' })
      .at(2_000, { type: 'quiescence' })
      .at(2_100, { type: 'quiet', reached: true })
      .at(2_200, { type: 'lag', stallMs: budgetMs + 1 })
      .at(2_200, { type: 'final-model', version: '1.24.2', model: { applications: {} } })
      .end(2_200);
    const result = judge(deploymentsComplete, h);
    expect(result.verdict).toBe('violated');
    const messages = result.verdict === 'violated' ? result.violations.map((v) => v.message) : [];
    expect(messages.every((m) => m.includes('app2'))).toBe(true);
    expect(messages.length).toBeGreaterThan(0);
    const lateOnly = h.filter((r) => !(r.type === 'invoke' && r.op === 2) && !(r.type === 'fail' && r.op === 2));
    expect(judge(deploymentsComplete, lateOnly)).toMatchObject({
      verdict: 'unknown',
      reason: expect.stringMatching(/stalled/),
    });
    // A --client-cmd program stopped at its deadline says how long it was: the same deadline.
    const programLate = lateOnly.map((r) =>
      r.type === 'fail' ? { ...r, error: 'deadline exceeded (90000 ms)' } : r,
    ) as typeof lateOnly;
    expect(judge(deploymentsComplete, programLate)).toMatchObject({
      verdict: 'unknown',
      reason: expect.stringMatching(/stalled/),
    });
  });

  it('still finds work done before the upgrade: a stall cannot make that happen', () => {
    const h = history()
      .at(0, { type: 'bootstrap', version: '1.22.0', desired: '1.22.3' })
      .at(0, { type: 'upgrade-pending', from: '1.22.0', to: '1.22.3' })
      .at(10, { type: 'agent-up', version: '1.22.0' })
      .at(20, { type: 'hook-start', unit: 'db/0', hook: 'install' })
      .at(2_000, { type: 'quiescence' })
      .at(2_200, { type: 'lag', stallMs: 60_000 })
      .end(2_200);
    expect(judge(noWorkBeforeUpgrade, h).verdict).toBe('violated');
  });
});

/**
 * A loop busy with other runs' work stalls a little at every turn, never long at once: the stalls
 * that count are those within the window of the deadline a violation says was missed, added up.
 * Here the resume deadline is 1 s (build.ts) and no single stall reaches the run's budget of 125 ms
 * (a quarter of the 500 ms request deadline), so only the sum can tell.
 */
describe('stalls that add up within a deadline', () => {
  const open = (conn: number, client = 'client-0'): HistoryBody => ({ type: 'conn-open', conn, client });
  const watch = (conn: number, client = 'client-0'): HistoryBody => ({
    type: 'watcher-start',
    conn,
    client,
    watcher: `w${conn}`,
  });
  const lose = (conn: number, client = 'client-0'): HistoryBody => ({
    type: 'conn-close',
    conn,
    client,
    reason: 'fault',
  });
  /** Stalls of `ms` every 100 ms of model time over [from, to). */
  const every100 = (from: number, to: number, ms: number): Stall[] =>
    Array.from({ length: (to - from) / 100 }, (_, i): Stall => [from + i * 100, ms]);
  /** client-0 loses its watcher at t=100 and is back at t=1500 (late: the deadline ran out at 1100);
   *  client-1, when `both`, loses its own at t=3000 and never comes back. */
  const lateResume = (stalls: Stall[], both = false) => {
    const h = history()
      .at(10, open(1), watch(1), open(2, 'client-1'), watch(2, 'client-1'))
      .at(100, lose(1))
      .at(1_500, open(3), watch(3));
    if (both) h.at(3_000, lose(2, 'client-1'));
    return h
      .at(5_000, { type: 'quiescence' })
      .at(5_100, { type: 'quiet', reached: true })
      .at(5_200, { type: 'lag', stallMs: Math.max(0, ...stalls.map(([, ms]) => ms)), stalls })
      .at(5_200, { type: 'final-model', version: '1.24.2', model: { applications: {} } })
      .end(5_200);
  };

  it('calls a missed deadline unknown, with why, when its window stalled more than a quarter of it', () => {
    // 30 ms of every 100 ms: 300 ms of the window from t=100 to t=1100, more than its 250 ms budget.
    const result = judge(watchersResume, lateResume(every100(0, 2_000, 30)));
    expect(result).toEqual({
      property: 'watchers-resume',
      verdict: 'unknown',
      reason:
        'the run stalled 0.3s of model time (a starved harness or controller) within the 1.0s from t=100ms to t=1.1s ' +
        'that decided a deadline, more than its budget of 0.3s: that deadline cannot be judged',
    });
    expect(stalledPastBudget(lateResume(every100(0, 2_000, 30)))).toBeUndefined(); // no single stall would tell
  });

  it('judges a missed deadline whose window stalled within its budget, or had its stalls elsewhere', () => {
    expect(judge(watchersResume, lateResume(every100(0, 2_000, 20))).verdict).toBe('violated'); // 200 of 250 ms
    expect(judge(watchersResume, lateResume(every100(1_200, 5_000, 90))).verdict).toBe('violated'); // after it
    expect(judge(watchersResume, lateResume([])).verdict).toBe('violated');
  });

  it('hides no missed deadline behind a long stall elsewhere in the run, and lets a met one hold', () => {
    // One stall of 2 s, far past the run's budget of 125 ms, after client-0's window closed.
    const longElsewhere: Stall[] = [[2_000, 2_000]];
    expect(stalledPastBudget(lateResume(longElsewhere))).toBeUndefined(); // judged deadline by deadline
    expect(judge(watchersResume, lateResume(longElsewhere)).verdict).toBe('violated');
    const metDeadline = lateResume(longElsewhere).filter((r) => !(r.type === 'conn-close' && r.conn === 1));
    expect(judge(watchersResume, metDeadline).verdict).toBe('held');
  });

  it('still calls the run violated for a deadline missed in a window that did not stall', () => {
    // client-0's window is stalled; client-1's, from t=3000, is not: client-1 never came back.
    const result = judge(watchersResume, lateResume(every100(0, 1_200, 40), true));
    expect(result.verdict).toBe('violated');
    const violations = result.verdict === 'violated' ? result.violations : [];
    expect(violations.map((v) => v.client)).toEqual(['client-1']);
  });

  it('gives the run the stall load of the deadlines that decided something, not of its whole length', () => {
    // What back-pressure on the runs in flight follows (stall-backoff.ts): the window from t=100 to
    // t=1100 stalled 200 of its 250 ms budget (0.8), 300 ms (1.2: not judged); a met deadline with
    // 2 s stalled after it (38% of the run) gives 0; a sim's run, with no lag record, none at all.
    const load = (h: ReturnType<typeof lateResume>) => judgeRun([...h], ['watchers-resume']).stallLoad;
    expect(load(lateResume(every100(0, 2_000, 20)))).toBeCloseTo(0.8);
    expect(load(lateResume(every100(0, 2_000, 30)))).toBeCloseTo(1.2);
    expect(windowStallLoad(lateResume(every100(0, 2_000, 30)), 100, 1_100)).toBeCloseTo(1.2);
    const longElsewhere: Stall[] = [[2_000, 2_000]];
    const met = lateResume(longElsewhere).filter((r) => !(r.type === 'conn-close' && r.conn === 1));
    expect(load(met)).toBe(0);
    expect(load(lateResume(every100(0, 2_000, 20), true))).toBeCloseTo(0.8); // client-1's window: 0
    const simRun = lateResume([]).filter((r) => r.type !== 'lag');
    expect(judgeRun(simRun, ['watchers-resume']).stallLoad).toBeUndefined();
  });

  it('counts only the part of a stall inside the window', () => {
    const stalls: Stall[] = [
      [0, 150],
      [500, 100],
      [1_050, 100],
    ];
    expect(stalledWithin(stalls, 100, 1_100)).toBe(50 + 100 + 50);
    expect(stalledWithin(stalls, 1_200, 2_000)).toBe(0);
  });

  it('holds a call answered late to its window too (requests-settle)', () => {
    const late = (stalls: Stall[]) =>
      history()
        .at(10, call)
        .at(700, { type: 'return', client: 'client-0', conn: 1, call: 1, outcome: 'ok' })
        .at(2_000, { type: 'quiescence' })
        .at(2_100, { type: 'quiet', reached: true })
        .at(2_200, { type: 'lag', stallMs: 40, stalls })
        .end(2_200);
    expect(judge(requestsSettle, late(every100(0, 600, 40))).verdict).toBe('unknown'); // 200 of 125 ms
    expect(judge(requestsSettle, late(every100(0, 600, 10))).verdict).toBe('violated'); // 50 of 125 ms
  });
});

describe('a call still pending when a stalled closing wait ran out', () => {
  it('is judged on the closing wait: unknown when that stalled past its budget, violated when not', () => {
    const cutShort = (stalls: Stall[]) =>
      history()
        .at(1_000, { type: 'quiescence' })
        .at(5_000, call) // the client was still logging in again when the closing wait ended
        .at(5_030, { type: 'quiet', reached: false })
        .at(5_030, { type: 'lag', stallMs: 60, stalls })
        .end(5_030);
    const stalledClosing = Array.from({ length: 40 }, (_, i): Stall => [1_000 + i * 100, 60]);
    expect(judge(requestsSettle, cutShort(stalledClosing))).toMatchObject({
      verdict: 'unknown',
      reason: expect.stringMatching(/within the 4.0s from t=1s to t=5.03s/),
    });
    expect(judge(requestsSettle, cutShort([])).verdict).toBe('violated');
  });
});

describe('a deploy never reported', () => {
  /** client-0 deploys at t=10 and never reports; the closing wait from t=1000 reached quiet or not. */
  const unreported = (reached: boolean, stalls: Stall[]) =>
    history()
      .at(10, { type: 'invoke', client: 'client-0', op: 1, f: 'deploy', value: { app: 'db', units: 1 } })
      .at(1_000, { type: 'quiescence' })
      .at(5_000, { type: 'quiet', reached })
      .at(5_000, { type: 'lag', stallMs: 60, stalls })
      .at(5_000, { type: 'final-model', version: '1.24.2', model: { applications: {} } })
      .end(5_000);
  const stalledClosing = Array.from({ length: 40 }, (_, i): Stall => [1_000 + i * 100, 60]);

  it('is unknown when a cut-short closing wait stalled past its budget: the end of that wait decided it', () => {
    expect(judge(deploymentsComplete, unreported(false, stalledClosing)).verdict).toBe('unknown');
    expect(judge(deploymentsComplete, unreported(false, [])).verdict).toBe('violated');
  });

  it('is violated however the run stalled when its client said it was settled (the run reached quiet)', () => {
    expect(judge(deploymentsComplete, unreported(true, stalledClosing)).verdict).toBe('violated');
  });

  it('gives the run the stall load of the window its deadline decided, judged or not', () => {
    // From the invoke at t=10 to the end at t=5000: 2.4 s stalled of a 1.25 s budget.
    const load = (reached: boolean, stalls: Stall[]) =>
      judgeRun([...unreported(reached, stalls)], ['deployments-complete']).stallLoad;
    expect(load(false, stalledClosing)).toBeCloseTo(2_400 / (4_990 * STALL_BUDGET_SHARE));
    expect(load(false, stalledClosing.slice(0, 10))).toBeCloseTo(600 / (4_990 * STALL_BUDGET_SHARE));
    expect(load(true, stalledClosing)).toBe(0); // no deadline decided it
  });
});

describe('a removal its client never heard done', () => {
  it('takes the app away as one reported done does: the deploy of it is not violated by its absence', () => {
    const h = history()
      .at(10, { type: 'invoke', client: 'client-0', op: 1, f: 'deploy', value: { app: 'db', units: 1 } })
      .at(20, { type: 'invoke', client: 'client-1', op: 1, f: 'remove', value: { app: 'db' } })
      .at(25, { type: 'unit-status', unit: 'db/0', workload: 'active', agent: 'idle' })
      .at(30, { type: 'ok', client: 'client-0', op: 1, f: 'deploy' })
      .at(40, {
        type: 'request',
        conn: 2,
        client: 'client-1',
        facade: 'Application',
        method: 'DestroyApplication',
        accepted: true,
        apps: ['db'],
      })
      .at(900, { type: 'fail', client: 'client-1', op: 1, f: 'remove', error: 'deadline exceeded' })
      .at(2_000, { type: 'quiescence' })
      .at(2_200, { type: 'final-model', version: '1.24.2', model: { applications: {} } })
      .end(2_200);
    expect(deploymentsComplete.check(h)).toEqual([]);
    const refused = h.map((r) => (r.type === 'request' ? { ...r, accepted: false, apps: [] } : r));
    expect(messages(deploymentsComplete.check(refused))).toEqual([
      'deploy db -n 1 (client-0 op 1): app db absent from the final model',
    ]);
  });
});
