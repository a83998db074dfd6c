/**
 * Juju 3 has no charm store: its charm URL grammar knows only `ch:` and `local:`, so a Juju 3.6
 * Application.Deploy of a `cs:` URL fails as Juju parses it (`cannot parse URL "cs:trusty/mysql":
 * schema "cs" not valid`), where Juju 1.x's charm store resolves it. Our built-in clients name the
 * charms their controller takes (ClientEnv.charmSource): on juju-3.6 the Charmhub URL a Juju 3
 * client deploys, so a scenario run with `--controller juju-3.6` still deploys what it is asked.
 * Charms.ResolveCharms and Charms.AddCharm parse the URL too, and refuse it alike.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_PROFILES } from '../../harness/clients/profiles.ts';
import { CONTROLLER_PROFILES } from '../../harness/controller/profile.ts';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { judgeRun } from '../../harness/runner.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { makeController, rawConnection } from './controller-fixture.ts';

const DEPLOY = {
  applications: [
    { application: 'mysql', 'charm-url': 'cs:trusty/mysql', 'num-units': 1 },
    { application: 'web', 'charm-url': 'ch:amd64/jammy/web-1', 'num-units': 1 },
  ],
};

describe('a cs: charm URL in Application.Deploy', () => {
  it('is refused by the juju-3.6 profile with the error Juju 3 gives, and only that application', () => {
    const { controller } = makeController('juju-3.6');
    controller.bootstrap();
    const c = rawConnection(controller);
    c.login();
    expect(c.reply(c.call('Application', 'Deploy', DEPLOY))?.response).toEqual({
      results: [
        { error: { message: 'cannot parse URL "cs:trusty/mysql": schema "cs" not valid', code: 'not valid' } },
        {},
      ],
    });
    expect(Object.keys(controller.view().applications)).toEqual(['web']);
  });

  it('is deployed by the Juju 1.x profiles, whose charm store resolves it', () => {
    for (const profile of CONTROLLER_PROFILES.filter((p) => p.name !== 'juju-3.6')) {
      const { controller } = makeController(profile.name, { implicitUpgrade: false });
      controller.bootstrap();
      const c = rawConnection(controller);
      c.login();
      expect(c.reply(c.call('Application', 'Deploy', DEPLOY))?.response, profile.name).toEqual({ results: [{}, {}] });
    }
  });
});

describe('a cs: charm URL in Charms.ResolveCharms and Charms.AddCharm', () => {
  const REFUSED = { message: 'cannot parse URL "cs:trusty/mysql": schema "cs" not valid', code: 'not valid' };
  const resolve = {
    resolve: [
      { reference: 'cs:trusty/mysql', 'charm-origin': { source: 'charm-store' } },
      { reference: 'ch:web', 'charm-origin': { source: 'charm-hub' } },
    ],
  };
  const add = { url: 'cs:trusty/mysql', 'charm-origin': { source: 'charm-store' } };

  it("is refused by the juju-3.6 profile with Deploy's error: that reference's result, the whole AddCharm", () => {
    const { controller } = makeController('juju-3.6');
    controller.bootstrap();
    const c = rawConnection(controller);
    c.login();
    const results = c.reply(c.call('Charms', 'ResolveCharms', resolve))?.response['results'] as unknown[];
    expect(results[0]).toEqual({ error: REFUSED });
    expect(results[1]).toMatchObject({ url: 'ch:amd64/jammy/web-1' });
    expect(c.reply(c.call('Charms', 'AddCharm', add))).toMatchObject({
      error: REFUSED.message,
      'error-code': REFUSED.code,
    });
    expect(controller.model.hasCharm('cs:trusty/mysql')).toBe(false);
  });

  it('is taken by the Juju 1.x profiles, whose charm store resolves it', () => {
    for (const profile of CONTROLLER_PROFILES.filter((p) => p.name !== 'juju-3.6')) {
      const { controller } = makeController(profile.name, { implicitUpgrade: false });
      controller.bootstrap();
      const c = rawConnection(controller);
      c.login();
      const results = c.reply(c.call('Charms', 'ResolveCharms', resolve))?.response['results'] as unknown[];
      expect(
        results.map((r) => Object.hasOwn(r as object, 'error')),
        profile.name,
      ).toEqual([false, false]);
      expect(c.reply(c.call('Charms', 'AddCharm', add))?.['error'], profile.name).toBeUndefined();
    }
  });
});

describe('the built-in clients on juju-3.6 (sim)', () => {
  const PLAN: Plan = [
    { kind: 'bootstrap' },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
    { kind: 'deploy', client: 0, app: 'mysql-2', units: 1 },
    { kind: 'wait', durationMs: 60_000 },
  ];
  const builtIn = CLIENT_PROFILES.filter((p) => !p.realSocketsOnly);

  it.each(builtIn.map((p) => p.name))(
    '%s deploys Charmhub URLs, each accepted, and its deployments complete',
    (client) => {
      const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, { controller: 'juju-3.6', client });
      const history = simulate(config, PLAN, 1);
      const deploys = history.filter(
        (r): r is Extract<HistoryRecord, { type: 'request' }> => r.type === 'request' && r.method === 'Deploy',
      );
      expect(deploys.length).toBeGreaterThan(0);
      for (const d of deploys) {
        expect(Object.values(d.charms ?? {}).every((url) => url.startsWith('ch:amd64/jammy/'))).toBe(true);
        expect(d.apps).toEqual(Object.keys(d.charms ?? {}));
      }
      const final = history.find((r) => r.type === 'final-model');
      expect(final?.type === 'final-model' && Object.keys(final.model.applications).sort()).toEqual([
        'mysql',
        'mysql-2',
      ]);
      const { violations } = judgeRun(history, ['deployments-complete', 'charm-as-asked', 'apps-as-asked']);
      expect(violations).toEqual([]);
    },
  );
});
