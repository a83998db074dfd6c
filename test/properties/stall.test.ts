/**
 * A real-time run that stalled (a starved harness or controller: its lag record) past its budget
 * cannot judge deadlines: its timed properties are unknown, violations or not. The properties that
 * judge what happened, not when, still judge it, so a stall hides no race such as 1.22's.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { deploymentsComplete, judge, noWorkBeforeUpgrade, requestsSettle } from '../../properties/index.ts';
import { STALL_BUDGET_SHARE } from '../../properties/stall.ts';
import { history } from './build.ts';

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
