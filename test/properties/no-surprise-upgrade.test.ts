import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { noSurpriseUpgrade } from '../../properties/no-surprise-upgrade.ts';
import { history } from './build.ts';

const version = (from: string, to: string): HistoryBody => ({ type: 'version', from, to });
const request = (explicit: boolean, chosen?: string, refused?: string): HistoryBody => ({
  type: 'upgrade-requested',
  explicit,
  ...(chosen ? { chosen } : {}),
  ...(refused ? { refused } : {}),
});

describe('no-surprise-upgrade', () => {
  it('holds when there is no version change', () => {
    expect(
      noSurpriseUpgrade.check(history().at(0, { type: 'bootstrap', version: '1.22.1', desired: '1.22.1' }).end(10)),
    ).toEqual([]);
  });

  it('holds when each change follows an explicit request that chose its target', () => {
    const h = history()
      .at(5, request(true, '1.22.3'))
      .at(10, version('1.22.1', '1.22.3'))
      .at(15, request(true, '1.23-beta1.1'))
      .at(20, version('1.22.3', '1.23-beta1.1'))
      .end(100);
    expect(noSurpriseUpgrade.check(h)).toEqual([]);
  });

  it('fails an implicit upgrade after bootstrap, saying it was implicit', () => {
    const h = history()
      .at(0, { type: 'bootstrap', version: '1.22.1', desired: '1.22.3' })
      .at(5, request(false, '1.22.3'))
      .at(10, version('1.22.1', '1.22.3'))
      .end(100);
    expect(noSurpriseUpgrade.check(h)).toEqual([
      {
        property: 'no-surprise-upgrade',
        t: 10,
        message:
          'version changed 1.22.1 -> 1.22.3 without an explicit upgrade request choosing 1.22.3 (only an implicit upgrade chose it)',
      },
    ]);
  });

  it('fails a change to another version than the request chose', () => {
    const h = history().at(5, request(true, '1.22.3')).at(10, version('1.22.1', '1.22.5')).end(100);
    const v = noSurpriseUpgrade.check(h);
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toBe('version changed 1.22.1 -> 1.22.5 without an explicit upgrade request choosing 1.22.5');
  });

  it('fails a change licensed by a refused request, or one that comes before the request', () => {
    const refused = history()
      .at(5, request(true, '1.22.3', 'upgrade in progress'))
      .at(10, version('1.22.1', '1.22.3'))
      .end(100);
    const early = history().at(10, version('1.22.1', '1.22.3')).at(15, request(true, '1.22.3')).end(100);
    expect(noSurpriseUpgrade.check(refused)).toHaveLength(1);
    expect(noSurpriseUpgrade.check(early)).toHaveLength(1);
  });

  it('lets one request license at most one change', () => {
    const h = history()
      .at(5, request(true, '1.22.3'))
      .at(10, version('1.22.1', '1.22.3'))
      .at(20, version('1.22.3', '1.22.1'))
      .at(30, version('1.22.1', '1.22.3'))
      .end(100);
    expect(noSurpriseUpgrade.check(h).map((v) => v.t)).toEqual([20, 30]);
  });

  it('counts two explicit requests for the same version as two licences', () => {
    const h = history()
      .at(5, request(true, '1.22.3'), request(true, '1.22.3'))
      .at(10, version('1.22.1', '1.22.3'))
      .at(20, version('1.22.3', '1.22.3'))
      .end(100);
    expect(noSurpriseUpgrade.check(h)).toEqual([]);
  });

  it('does not trust version records alone: a change shown only by agent-up or the final model counts', () => {
    const agentUpOnly = history()
      .at(0, { type: 'bootstrap', version: '1.22.1', desired: '1.22.1' })
      .at(10, { type: 'agent-down', reason: 'upgrade' })
      .at(12, { type: 'agent-up', version: '1.22.3' })
      .end(100);
    expect(noSurpriseUpgrade.check(agentUpOnly)).toMatchObject([
      { t: 12, message: 'version changed 1.22.1 -> 1.22.3 without an explicit upgrade request choosing 1.22.3' },
    ]);
    const finalOnly = history()
      .at(0, { type: 'bootstrap', version: '1.22.1', desired: '1.22.1' })
      .at(90, { type: 'final-model', version: '1.22.3', model: { applications: {} } })
      .end(100);
    expect(noSurpriseUpgrade.check(finalOnly).map((v) => v.t)).toEqual([90]);
  });
});
