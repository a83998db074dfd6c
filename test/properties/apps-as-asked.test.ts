import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { appsAsAsked } from '../../properties/apps-as-asked.ts';
import { judge } from '../../properties/property.ts';
import { history, messages, view } from './build.ts';

const boot: HistoryBody = { type: 'bootstrap', version: '1.24.0', desired: '1.24.0' };
const asked = (app: string, op = 1, client = 'client-0'): HistoryBody => ({
  type: 'invoke',
  client,
  op,
  f: 'deploy',
  value: { app, units: 1 },
});
const deployed = (apps: string[], client = 'client-0', method = 'Deploy', conn = 1): HistoryBody => ({
  type: 'request',
  conn,
  client,
  facade: 'Application',
  method,
  accepted: true,
  apps,
});
const refused: HistoryBody = {
  type: 'request',
  conn: 1,
  client: 'client-0',
  facade: 'Application',
  method: 'Deploy',
  accepted: false,
  error: 'upgrade in progress',
};
const final = (apps: string[]): HistoryBody => ({
  type: 'final-model',
  version: '1.24.0',
  model: view(Object.fromEntries(apps.map((a) => [a, { [`${a}/0`]: 'active' }]))),
});

describe('apps-as-asked', () => {
  it('holds when the final model holds exactly what the clients were asked for, whoever asked', () => {
    const h = history()
      .at(0, boot, asked('mysql'), asked('wordpress', 1, 'client-1'))
      .at(10, refused)
      .at(20, deployed(['mysql']), deployed(['wordpress'], 'client-1', 'DeployFromRepository', 2))
      .at(100, final(['mysql', 'wordpress']))
      .end(100);
    expect(judge(appsAsAsked, h)).toEqual({ property: 'apps-as-asked', verdict: 'held' });
  });

  it('holds when an asked application is missing or was removed (deployments-complete judges that)', () => {
    const h = history()
      .at(0, boot, asked('mysql'), asked('redis', 2))
      .at(20, deployed(['mysql']))
      .at(100, final([]));
    expect(appsAsAsked.check(h.end(100))).toEqual([]);
  });

  it('leaves alone applications no Deploy of the run created (a lab controller may hold its own)', () => {
    const h = history()
      .at(0, boot, asked('mysql'))
      .at(20, deployed(['mysql']))
      .at(100, final(['mysql', 'legacy']));
    expect(appsAsAsked.check(h.end(100))).toEqual([]);
  });

  it('fails a second copy under a new name, at the Deploy that created it, once per application', () => {
    const h = history()
      .at(0, boot, asked('postgresql'), asked('postgresql-2', 2))
      .at(20, deployed(['postgresql', 'postgresql-2']))
      .at(40, deployed(['postgresql-2-2'], 'client-0', 'Deploy', 2))
      .at(60, deployed(['postgresql-2-2-2'], 'client-0', 'Deploy', 3))
      .at(100, final(['postgresql', 'postgresql-2', 'postgresql-2-2', 'postgresql-2-2-2']))
      .end(100);
    const violations = appsAsAsked.check(h);
    expect(violations.map((v) => [v.t, v.client])).toEqual([
      [40, 'client-0'],
      [60, 'client-0'],
    ]);
    expect(messages(violations)[0]).toBe(
      "postgresql-2-2 is in the final model, created by client-0's Deploy at t=40ms (conn 2), but client-0 was " +
        'never asked to deploy postgresql-2-2: a second copy of postgresql-2, which it was asked to deploy; ' +
        'it was asked for postgresql, postgresql-2',
    );
  });

  it('fails spare copies, and an application deployed by a client that another was asked for', () => {
    const h = history()
      .at(0, boot, asked('haproxy'), asked('mysql', 1, 'client-1'))
      .at(20, deployed(['haproxy-spare', 'mysql']))
      .at(30, deployed(['haproxy']))
      .at(100, final(['haproxy', 'haproxy-spare', 'mysql']))
      .end(100);
    expect(messages(appsAsAsked.check(h))).toEqual([
      "haproxy-spare is in the final model, created by client-0's Deploy at t=20ms (conn 1), but client-0 was " +
        'never asked to deploy haproxy-spare: a second copy of haproxy, which it was asked to deploy; it was asked for haproxy',
      "mysql is in the final model, created by client-0's Deploy at t=20ms (conn 1), but client-0 was never " +
        'asked to deploy mysql; it was asked for haproxy (client-1 was asked for mysql, not client-0)',
    ]);
  });

  it('judges the Deploy that created an application last (removed and deployed again)', () => {
    const destroy: HistoryBody = { ...deployed(['extra']), method: 'DestroyApplication' } as HistoryBody;
    const h = history()
      .at(0, boot, asked('extra', 1, 'client-1'))
      .at(10, deployed(['extra']))
      .at(20, destroy)
      .at(30, deployed(['extra'], 'client-1', 'Deploy', 2))
      .at(100, final(['extra']));
    expect(appsAsAsked.check(h.end(100))).toEqual([]);
  });

  it('is unknown without controller-side records or without a final model', () => {
    const external = history()
      .at(0, asked('mysql'))
      .at(100, final(['mysql', 'mysql-2']))
      .end(100);
    expect(judge(appsAsAsked, external)).toMatchObject({ verdict: 'unknown', reason: /controller was not observed/ });
    const unfinished = history()
      .at(0, boot, asked('mysql'))
      .at(20, deployed(['mysql', 'x']))
      .end(100);
    expect(judge(appsAsAsked, unfinished)).toMatchObject({ verdict: 'unknown', reason: /no final-model record/ });
  });
});
