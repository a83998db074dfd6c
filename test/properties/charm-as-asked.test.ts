import { describe, expect, it } from 'vitest';
import type { History, HistoryBody } from '../../harness/history.ts';
import { judgeProperties } from '../../properties/index.ts';
import { charmAsAsked, sameCharm } from '../../properties/charm-as-asked.ts';
import { history, messages, view } from './build.ts';

const verdict = (h: History): string => judgeProperties(h, ['charm-as-asked'])[0]!.verdict;

const UPGRADING = 'upgrade in progress';

/** A Deploy request of `client` asking for `charms` (app -> URL), accepted (creating them) or refused. */
const deploy = (
  charms: Record<string, string>,
  {
    accepted = true,
    client = 'client-0',
    error,
    apps = accepted ? Object.keys(charms) : undefined,
  }: { accepted?: boolean; client?: string; error?: string; apps?: string[] } = {},
): HistoryBody => ({
  type: 'request',
  conn: 2,
  client,
  facade: 'Application',
  method: 'Deploy',
  accepted,
  ...(error !== undefined ? { error } : {}),
  ...(apps ? { apps } : {}),
  charms,
});
const destroy = (app: string): HistoryBody => ({
  type: 'request',
  conn: 2,
  client: 'client-0',
  facade: 'Application',
  method: 'DestroyApplication',
  accepted: true,
  apps: [app],
});
const bootstrap: HistoryBody = { type: 'bootstrap', version: '1.24.0', desired: '1.24.2' };
const final = (charms: Record<string, string>): HistoryBody => ({
  type: 'final-model',
  version: '1.24.2',
  model: view(Object.fromEntries(Object.keys(charms).map((app) => [app, { [`${app}/0`]: 'active' }]))),
  charms,
});

describe('charm-as-asked', () => {
  it('holds when a retry after a refusal sends the same charm', () => {
    const h = history()
      .at(0, bootstrap)
      .at(10, deploy({ mysql: 'cs:trusty/mysql' }, { accepted: false, error: UPGRADING }))
      .at(20, deploy({ mysql: 'cs:trusty/mysql' }))
      .at(100, final({ mysql: 'cs:trusty/mysql' }))
      .end(200);
    expect(charmAsAsked.check(h)).toEqual([]);
  });

  it('fails when the retry that deployed the app asked for another revision than the first attempt', () => {
    const h = history()
      .at(0, bootstrap)
      .at(10, deploy({ mysql: 'cs:trusty/mysql' }, { accepted: false, error: UPGRADING }))
      .at(20, deploy({ mysql: 'cs:trusty/mysql-2' }))
      .at(100, final({ mysql: 'cs:trusty/mysql-2' }))
      .end(200);
    const v = charmAsAsked.check(h);
    expect(v.map((x) => [x.t, x.client])).toEqual([[20, 'client-0']]);
    expect(messages(v)[0]).toBe(
      "mysql runs cs:trusty/mysql-2, deployed by client-0's Deploy at t=20ms (conn 2), but client-0's first " +
        'Deploy of mysql at t=10ms asked for cs:trusty/mysql (refused: upgrade in progress)',
    );
    expect(verdict(h)).toBe('violated');
  });

  it('fails when the final model runs another charm than the accepted Deploy asked for', () => {
    const h = history()
      .at(0, bootstrap)
      .at(20, deploy({ mysql: 'cs:trusty/mysql' }))
      .at(100, final({ mysql: 'cs:trusty/mysql-7' }))
      .end(200);
    expect(messages(charmAsAsked.check(h))).toEqual([
      expect.stringMatching(/^mysql runs cs:trusty\/mysql-7, .*accepted\)$/),
    ]);
  });

  it('lets a removed application be deployed again with another charm', () => {
    const h = history()
      .at(0, bootstrap)
      .at(10, deploy({ mysql: 'cs:trusty/mysql' }))
      .at(20, destroy('mysql'))
      .at(30, deploy({ mysql: 'cs:trusty/mysql-2' }))
      .at(100, final({ mysql: 'cs:trusty/mysql-2' }))
      .end(200);
    expect(charmAsAsked.check(h)).toEqual([]);
  });

  it("judges the deploying client's own first attempt, not another client's", () => {
    const h = history()
      .at(0, bootstrap)
      .at(10, deploy({ mysql: 'cs:trusty/mysql-9' }, { accepted: false, error: UPGRADING, client: 'client-1' }))
      .at(20, deploy({ mysql: 'cs:trusty/mysql' }))
      .at(100, final({ mysql: 'cs:trusty/mysql' }))
      .end(200);
    expect(charmAsAsked.check(h)).toEqual([]);
  });

  it('takes a retry that finds the app already there as changing nothing', () => {
    const h = history()
      .at(0, bootstrap)
      .at(10, deploy({ mysql: 'cs:trusty/mysql' }))
      .at(20, deploy({ mysql: 'cs:trusty/mysql-2' }, { apps: [] }))
      .at(100, final({ mysql: 'cs:trusty/mysql' }))
      .end(200);
    expect(charmAsAsked.check(h)).toEqual([]);
  });

  it('compares local charms without their revision: each upload gives the same charm a new one', () => {
    expect(sameCharm('local:jammy/hello-1', 'local:jammy/hello-2')).toBe(true);
    expect(sameCharm('cs:trusty/mysql-1', 'cs:trusty/mysql-2')).toBe(false);
    expect(sameCharm('local:jammy/hello-1', 'local:jammy/other-1')).toBe(false);
    const h = history()
      .at(0, bootstrap)
      .at(10, deploy({ hello: 'local:jammy/hello-1' }, { accepted: false, error: UPGRADING }))
      .at(20, deploy({ hello: 'local:jammy/hello-2' }))
      .at(100, final({ hello: 'local:jammy/hello-2' }))
      .end(200);
    expect(charmAsAsked.check(h)).toEqual([]);
  });

  it('is unknown without controller-side records or without the charms of the final model', () => {
    const external = history()
      .at(100, final({ mysql: 'cs:trusty/mysql' }))
      .end(200);
    expect(verdict(external)).toBe('unknown');
    const older = history()
      .at(0, bootstrap)
      .at(100, { type: 'final-model', version: '1.24.2', model: view({}) })
      .end(200);
    expect(verdict(older)).toBe('unknown');
  });
});
