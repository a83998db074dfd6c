import { describe, expect, it } from 'vitest';
import { recordsOf } from '../../harness/history.ts';
import { formatTimeline } from '../../reports/timeline.ts';
import { makeController, rawConnection } from './controller-fixture.ts';

describe('controller model: upgrades', () => {
  it('Juju 1.22 upgrades itself to the newest patch right after bootstrap, dropping connections', () => {
    const { clock, history, controller } = makeController('juju-1.22');
    controller.bootstrap();
    expect(controller.version).toBe('1.22.1');
    expect(controller.upgrading).toBe(true);
    const c = rawConnection(controller);
    expect(c.login()?.error).toBeUndefined();
    clock.runUntil(60_000);
    expect(controller.version).toBe('1.22.3');
    expect(controller.upgrading).toBe(false);
    expect(c.isClosed()).toBe(true);
    const types = history.records.map((r) => r.type);
    expect(types).toEqual(
      expect.arrayContaining(['upgrade-pending', 'download', 'agent-down', 'agent-up', 'version', 'upgrade-end']),
    );
    expect(recordsOf(history.records, 'upgrade-requested')[0]).toMatchObject({ explicit: false, chosen: '1.22.3' });
    expect(recordsOf(history.records, 'conn-close')[0]).toMatchObject({ reason: 'agent-down' });
  });

  it('a pinned agent-version (workaround A) bootstraps exactly that version with no implicit upgrade', () => {
    const { clock, controller } = makeController('juju-1.22', { agentVersionPin: '1.22.1' });
    controller.bootstrap();
    clock.runUntil(60_000);
    expect(controller.version).toBe('1.22.1');
    expect(controller.upgrading).toBe(false);
  });

  it('--upload-tools lands on what the client machine built, not on the version asked for', () => {
    const { clock, controller } = makeController('juju-1.22', {
      agentVersionPin: '1.22.1',
      clientMachine: { arch: 'amd64', series: 'trusty', jujuOnPath: '1.23-beta1' },
    });
    controller.bootstrap();
    expect(controller.requestUpgrade({ version: '1.22.3', uploadTools: true })).toEqual({
      ok: true,
      chosen: '1.23-beta1.1',
    });
    clock.runUntil(60_000);
    expect(controller.version).toBe('1.23-beta1.1');
  });

  it('refuses a second upgrade while one runs, downgrades, and versions not in the streams', () => {
    const { clock, controller } = makeController('juju-1.24');
    controller.bootstrap();
    expect(controller.requestUpgrade({ version: '1.24.2' })).toMatchObject({ ok: false, error: 'upgrade in progress' });
    clock.runUntil(60_000);
    expect(controller.requestUpgrade({ version: '1.24.0' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/downgrade/),
    });
    expect(controller.requestUpgrade({ version: '1.24.9' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no matching tools/),
    });
    controller.publish('1.24.9');
    expect(controller.requestUpgrade({})).toEqual({ ok: true, chosen: '1.24.9' });
  });

  it('inform-only (fix 2B) does not upgrade and reports the available version in status', () => {
    const { clock, controller } = makeController('juju-1.25-inform');
    controller.bootstrap();
    clock.runUntil(60_000);
    expect(controller.version).toBe('1.25.0');
    const c = rawConnection(controller);
    c.login();
    const status = c.reply(c.call('Client', 'FullStatus'))!;
    expect(status.response['model']).toMatchObject({ version: '1.25.0', 'available-version': '1.25.3' });
  });

  it('retries a failed download after the retry delay', () => {
    const { clock, history, controller } = makeController('juju-1.24', {
      timing: { ...makeController('juju-1.24').controller.profile.timing, downloadFailureRate: 0.5 },
    });
    controller.bootstrap();
    clock.runUntil(600_000);
    const downloads = recordsOf(history.records, 'download');
    expect(downloads.at(-1)?.ok).toBe(true);
    expect(controller.version).toBe('1.24.2');
  });

  it('a crash during the upgrade steps runs the steps again', () => {
    const { clock, history, controller } = makeController('juju-1.24');
    controller.bootstrap();
    while (!recordsOf(history.records, 'upgrade-steps').length) clock.step();
    expect(controller.restart()).toBe(true);
    clock.runUntil(clock.now() + 60_000);
    expect(recordsOf(history.records, 'upgrade-steps')).toHaveLength(2);
    expect(recordsOf(history.records, 'upgrade-end')).toHaveLength(1);
    expect(controller.upgrading).toBe(false);
  });
});

describe('controller model: API', () => {
  it('records every refused call with its reason, before login as after, and the timeline shows them', () => {
    const { history, controller } = makeController('juju-1.24', { streams: ['1.24.0'] }); // no upgrade
    controller.bootstrap();
    const c = rawConnection(controller, 'client-0');
    c.call('Client', 'WatchAll'); // a script that reconnected and skipped Admin.Login
    c.call('Pinger', 'Ping');
    c.login();
    c.call('Nope', 'X');
    const refused = recordsOf(history.records, 'request').filter((r) => !r.accepted);
    expect(refused.map((r) => [r.client, `${r.facade}.${r.method}`, r.error])).toEqual([
      ['client-0', 'Client.WatchAll', 'not logged in'],
      ['client-0', 'Pinger.Ping', 'not logged in'],
      ['client-0', 'Nope.X', 'unknown object type "Nope"'],
    ]);
    expect(formatTimeline(history.records)).toContain('REFUSED Client.WatchAll from client-0: not logged in');
  });

  it('stops recording refusals before login at a bound, saying so: a client that never logs in cannot grow the history', () => {
    const { history, controller } = makeController('juju-1.24', { streams: ['1.24.0'] });
    controller.bootstrap();
    const c = rawConnection(controller);
    for (let i = 0; i < 500; i++) c.call('Client', 'FullStatus');
    const refused = recordsOf(history.records, 'request');
    expect(refused).toHaveLength(100);
    expect(refused.at(-1)!.error).toBe('not logged in (later refusals before login not recorded)');
    expect(c.responses).toHaveLength(500); // every call is still answered
  });

  it('rejects bad credentials with Juju message and code', () => {
    const { controller } = makeController('juju-1.24');
    controller.bootstrap();
    const c = rawConnection(controller);
    const r = c.reply(c.call('Admin', 'Login', { 'auth-tag': 'user-admin', credentials: 'wrong' }))!;
    expect(r).toMatchObject({
      error: 'invalid entity name or password',
      'error-code': 'unauthorized access',
      response: {},
    });
  });

  it('answers unknown facades and methods with not implemented', () => {
    const { controller } = makeController('juju-1.24', { streams: ['1.24.0'] }); // no upgrade: API unrestricted
    controller.bootstrap();
    const c = rawConnection(controller);
    c.login();
    expect(c.reply(c.call('Nope', 'X'))).toMatchObject({
      error: 'unknown object type "Nope"',
      'error-code': 'not implemented',
    });
    expect(c.reply(c.call('Client', 'Frob'))).toMatchObject({
      'error-code': 'not implemented',
      error: expect.stringMatching(/Client\(8\)\.Frob is not implemented/),
    });
  });

  it('the restricted API (1.24) lets log in and status through but refuses work while upgrading', () => {
    const { clock, controller } = makeController('juju-1.24');
    controller.bootstrap();
    const c = rawConnection(controller);
    expect(c.login()?.error).toBeUndefined();
    expect(c.reply(c.call('Client', 'FullStatus'))?.error).toBeUndefined();
    const deploy = { applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 1 }] };
    expect(c.reply(c.call('Application', 'Deploy', deploy))).toMatchObject({
      error: 'upgrade in progress - Juju functionality is limited',
    });
    expect(c.reply(c.call('Client', 'WatchAll'))?.error).toMatch(/^upgrade in progress/);
    clock.runUntil(60_000);
    const after = rawConnection(controller);
    after.login();
    expect(after.reply(after.call('Application', 'Deploy', deploy))).toMatchObject({ response: { results: [{}] } });
  });

  it('the open API (1.22) accepts work during the upgrade; the restart interrupts hooks and leaves units in error', () => {
    const { clock, controller } = makeController('juju-1.22');
    controller.bootstrap();
    const c = rawConnection(controller);
    c.login();
    const deploy = { applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 2 }] };
    expect(c.reply(c.call('Application', 'Deploy', deploy))?.error).toBeUndefined();
    clock.runUntil(120_000);
    expect(Object.values(controller.view().applications['mysql']!.units)).toContain('error');
  });

  it("records a Deploy's request before the hooks of the units it created (on a real clock they were ms apart)", () => {
    const { clock, controller, history } = makeController('juju-1.24');
    controller.bootstrap();
    clock.runUntil(60_000);
    const c = rawConnection(controller);
    c.login();
    c.call('Application', 'Deploy', {
      applications: [
        { application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 2 },
        { application: 'pg', 'charm-url': 'cs:pg', 'num-units': 1 },
      ],
    });
    const after = history.records.slice(history.records.findIndex((r) => r.type === 'login'));
    const deployAt = after.findIndex((r) => r.type === 'request' && r.method === 'Deploy');
    const firstHook = after.findIndex((r) => r.type === 'hook-start');
    expect(deployAt).toBeGreaterThan(-1);
    expect(firstHook).toBeGreaterThan(deployAt);
    expect(after.filter((r) => r.type === 'hook-start').map((r) => r.type === 'hook-start' && r.unit)).toEqual([
      'mysql/0',
      'mysql/1',
      'pg/0',
    ]);
  });

  it('1.24 re-runs a hook interrupted by an agent restart', () => {
    const { clock, controller } = makeController('juju-1.24');
    controller.bootstrap();
    clock.runUntil(60_000);
    const c = rawConnection(controller);
    c.login();
    c.call('Application', 'Deploy', {
      applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 1 }],
    });
    clock.runUntil(clock.now() + 500);
    controller.restart();
    clock.runUntil(clock.now() + 120_000);
    expect(controller.view().applications['mysql']!.units).toEqual({ 'mysql/0': 'active' });
  });

  it('AllWatcher: first Next is the snapshot, later Next long-polls for changes, the watcher dies with its connection', () => {
    const { clock, controller, history } = makeController('juju-1.24', { streams: ['1.24.0'] });
    controller.bootstrap();
    const c = rawConnection(controller);
    c.login();
    const id = String(c.reply(c.call('Client', 'WatchAll'))!.response['watcher-id']);
    const snapshot = c.reply(c.call('AllWatcher', 'Next', {}, id))!;
    expect((snapshot.response['deltas'] as unknown[][]).map((d) => d[0])).toContain('model');
    const waiting = c.call('AllWatcher', 'Next', {}, id);
    expect(c.reply(waiting)).toBeUndefined(); // long poll: nothing changed yet
    c.call('Application', 'Deploy', { applications: [{ application: 'pg', 'charm-url': 'cs:pg', 'num-units': 1 }] });
    clock.runUntil(clock.now() + 1);
    const deltas = c.reply(waiting)!.response['deltas'] as [string, string, Record<string, unknown>][];
    expect(deltas.map(([kind, change]) => `${kind}:${change}`)).toEqual(
      expect.arrayContaining(['application:change', 'unit:change']),
    );
    expect(c.reply(c.call('AllWatcher', 'Next', {}, 'nope'))).toMatchObject({
      error: 'unknown watcher id',
      'error-code': 'not found',
    });
    controller.restart();
    expect(recordsOf(history.records, 'watcher-stop')).toMatchObject([{ watcher: id, reason: 'connection' }]);
    expect(controller.connect('late', { send: () => {}, close: () => {} })).toBeUndefined(); // agent down
  });

  it('Stop answers a waiting Next with "stopped"', () => {
    const { controller } = makeController('juju-1.24', { streams: ['1.24.0'] });
    controller.bootstrap();
    const c = rawConnection(controller);
    c.login();
    const id = String(c.reply(c.call('Client', 'WatchAll'))!.response['watcher-id']);
    c.call('AllWatcher', 'Next', {}, id);
    const waiting = c.call('AllWatcher', 'Next', {}, id);
    c.call('AllWatcher', 'Stop', {}, id);
    expect(c.reply(waiting)).toMatchObject({ 'error-code': 'stopped' });
  });
});
