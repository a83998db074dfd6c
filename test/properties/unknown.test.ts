/**
 * A property can say it could not judge: held / violated / unknown. no-lost-work and the converge
 * rule of watchers-resume need a run that reached quiescence and a final model; without them the
 * verdict is unknown, never held, unless violations were found anyway (violations win).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import {
  judge,
  judgeProperties,
  noLostWork,
  requestsSettle,
  watchersResume,
  type Property,
} from '../../properties/index.ts';
import { history, view } from './build.ts';

const accepted: HistoryBody = {
  type: 'request',
  conn: 2,
  client: 'client-0',
  facade: 'Application',
  method: 'Deploy',
  accepted: true,
  apps: ['db'],
};
const emptyModel: HistoryBody = { type: 'final-model', version: '1.22.3', model: view({}) };

/** A run with one accepted deploy whose application is missing from the final model. */
function run(quiet: boolean | undefined, final = true) {
  const h = history().at(10, accepted).at(100, { type: 'quiescence' });
  if (quiet !== undefined) h.at(200, { type: 'quiet', reached: quiet });
  if (final) h.at(300, emptyModel);
  return h.end(300);
}

describe('property verdicts: held, violated, unknown', () => {
  it('no-lost-work is unknown when the run never reached quiescence', () => {
    expect(judge(noLostWork, run(false))).toEqual({
      property: 'no-lost-work',
      verdict: 'unknown',
      reason: expect.stringMatching(/never reached quiescence/),
    });
  });

  it('no-lost-work is unknown without a final model, whatever the quiet record says', () => {
    expect(judge(noLostWork, run(true, false))).toMatchObject({ verdict: 'unknown', reason: /no final-model/ });
  });

  it('no-lost-work judges a run that reached quiescence (and hand-written histories without a quiet record)', () => {
    expect(judge(noLostWork, run(true))).toMatchObject({ verdict: 'violated', violations: [{ t: 300 }] });
    expect(judge(noLostWork, run(undefined))).toMatchObject({ verdict: 'violated' });
    const kept = history().at(10, accepted).at(100, { type: 'quiescence' }).at(200, { type: 'quiet', reached: true });
    expect(judge(noLostWork, kept.at(300, { ...emptyModel, model: view({ db: {} }) }).end(300))).toEqual({
      property: 'no-lost-work',
      verdict: 'held',
    });
  });

  it("watchers-resume's converge rule cannot judge a run cut short: a stale view is unknown, not violated", () => {
    const stale = history()
      .at(100, { type: 'quiescence' })
      .at(200, { type: 'quiet', reached: false })
      .at(250, { type: 'client-view', client: 'client-0', watching: true, view: view({ db: { 'db/0': 'active' } }) })
      .at(300, emptyModel)
      .end(300);
    expect(judge(watchersResume, stale)).toMatchObject({ verdict: 'unknown', reason: /quiescence/ });
  });

  it('violations win: a resume violation is reported even when the run was cut short', () => {
    const lost = history({ resumeDeadlineMs: 1000 })
      .at(0, { type: 'conn-open', conn: 1, client: 'client-0' })
      .at(1, { type: 'watcher-start', conn: 1, client: 'client-0', watcher: '1' })
      .at(10, { type: 'conn-close', conn: 1, client: 'client-0', reason: 'fault' })
      .at(5000, { type: 'quiescence' })
      .at(6000, { type: 'quiet', reached: false })
      .at(7000, emptyModel)
      .end(7000);
    const result = judge(watchersResume, lost);
    expect(result.verdict).toBe('violated');
    expect(result.verdict === 'violated' && result.violations[0]?.t).toBe(1010);
  });

  it('a property without cannotJudge always judges; judgeProperties keeps the order asked', () => {
    const alwaysJudges: Property = { ...requestsSettle };
    expect(alwaysJudges.cannotJudge).toBeUndefined();
    expect(judgeProperties(run(false), ['requests-settle', 'no-lost-work', 'watchers-resume'])).toEqual([
      { property: 'requests-settle', verdict: 'held' },
      { property: 'no-lost-work', verdict: 'unknown', reason: expect.any(String) },
      { property: 'watchers-resume', verdict: 'unknown', reason: expect.any(String) },
    ]);
  });
});
