/**
 * The real @canonical/jujulib 9.1.0 against the controller server: it logs in and calls every
 * facade the server advertises, picking the versions we advertise from its own lists.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '@canonical/jujulib';
import type AllWatcherV3 from '@canonical/jujulib/dist/api/facades/all-watcher/AllWatcherV3.js';
import type ApplicationV19 from '@canonical/jujulib/dist/api/facades/application/ApplicationV19.js';
import type ClientV8 from '@canonical/jujulib/dist/api/facades/client/ClientV8.js';
import type ModelUpgraderV2 from '@canonical/jujulib/dist/api/facades/model-upgrader/ModelUpgraderV2.js';
import type PingerV1 from '@canonical/jujulib/dist/api/facades/pinger/PingerV1.js';
import { loadJujulib } from '../../harness/clients/jujulib-client.ts';
import { FACADES } from '../../harness/controller/api-types.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { CREDENTIALS, fastProfile, startServer } from './helpers.ts';

let server: ControllerServer | undefined;
let conn: Connection | undefined;

afterEach(async () => {
  conn?.transport.close();
  conn = undefined;
  await server?.close();
  server = undefined;
});

async function login(password = CREDENTIALS.password, tls = false): Promise<Connection> {
  const { connect, facades, wsclass } = await loadJujulib();
  const url = tls ? server!.tlsModelUrl! : server!.modelUrl;
  const juju = await connect(url, {
    facades,
    wsclass: wsclass(tls ? server!.caCert : undefined),
    closeCallback: () => {},
  });
  const c = await juju.login({ username: CREDENTIALS.username, password });
  if (!c) throw new Error('no connection');
  conn = c;
  return c;
}

describe('@canonical/jujulib 9.1.0 against the controller server', () => {
  it('logs in and gets every advertised facade, at the advertised version', async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    const c = await login();
    expect(c.info.serverVersion).toBe('1.24.0');
    expect(c.info.user).toMatchObject({ identity: 'user-admin' });
    const names: Record<string, string> = {
      Client: 'client',
      AllWatcher: 'allWatcher',
      Application: 'application',
      ModelUpgrader: 'modelUpgrader',
      Pinger: 'pinger',
    };
    // The server advertises Client 6 and 8, ModelUpgrader 1 and 2: jujulib takes the last of its
    // own ascending list that is served, so the newest.
    const picked: Record<string, number> = { Client: 8, AllWatcher: 3, Application: 19, ModelUpgrader: 2, Pinger: 1 };
    expect(FACADES['Client']).toEqual([6, 8]);
    for (const [facade, key] of Object.entries(names)) {
      const instance = c.facades[key] as unknown as { NAME: string; VERSION: number } | undefined;
      expect(instance, facade).toBeDefined();
      expect(instance!.VERSION, facade).toBe(picked[facade]);
    }
  });

  it('calls Pinger.Ping, Client.FullStatus/WatchAll, AllWatcher.Next/Stop, Application.Deploy, ModelUpgrader.UpgradeModel', async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    server.current.controller.publish('1.24.3');
    const c = await login();
    const pinger = c.facades['pinger'] as unknown as PingerV1;
    const client = c.facades['client'] as unknown as ClientV8;
    const allWatcher = c.facades['allWatcher'] as unknown as AllWatcherV3;
    const application = c.facades['application'] as unknown as ApplicationV19;
    const upgrader = c.facades['modelUpgrader'] as unknown as ModelUpgraderV2;

    await expect(pinger.ping(null)).resolves.toEqual({});
    const status = await client.fullStatus({ patterns: [], 'include-storage': false });
    expect(status.model).toMatchObject({ version: '1.24.0', 'model-status': { status: 'available' } });

    const watch = (await client.watchAll({})) as { 'watcher-id': string };
    const first = await allWatcher.next({ id: watch['watcher-id'] });
    expect(first.deltas.some(([kind]) => kind === 'model')).toBe(true);

    // One unit of mysql, with every field jujulib's DeployArgs requires.
    const mysql = {
      application: 'mysql',
      'charm-url': 'cs:mysql',
      'num-units': 1,
      Force: false,
      channel: '',
      'config-yaml': '',
      constraints: {},
    };
    const deploy = await application.deploy({ applications: [mysql] });
    expect(deploy.results).toEqual([{}]);
    const again = await application.deploy({ applications: [mysql] });
    expect(again.results[0]?.error).toMatchObject({
      message: 'application "mysql" already exists',
      code: 'already exists',
    });
    const next = await allWatcher.next({ id: watch['watcher-id'] });
    expect(next.deltas.some(([kind, , e]) => kind === 'unit' && (e as { name: string }).name === 'mysql/0')).toBe(true);
    await expect(allWatcher.stop({ id: watch['watcher-id'] })).resolves.toEqual({});
    await expect(allWatcher.next({ id: watch['watcher-id'] })).rejects.toThrow('watcher was stopped');

    const upgrade = await upgrader.upgradeModel({
      'model-tag': 'model-x',
      'target-version': '1.24.3',
      'agent-stream': '',
      'dry-run': false,
      'ignore-agent-versions': false,
    });
    expect(upgrade).toMatchObject({ 'chosen-version': '1.24.3' });
    await expect(
      upgrader.upgradeModel({
        'model-tag': 'model-x',
        'target-version': '',
        'agent-stream': '',
        'dry-run': false,
        'ignore-agent-versions': false,
      }),
    ).rejects.toThrow('upgrade in progress');
  });

  it("sees wrong credentials refused (the library rewords Juju's message)", async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    await expect(login('wrong')).rejects.toThrow(/granted permission/);
    const refused = server.current.history.records.find((r) => r.type === 'login');
    expect(refused).toMatchObject({ ok: false });
  });

  it('works the same over wss:// with the CA the server made (Juju 3.6 profile)', async () => {
    server = await startServer(fastProfile('juju-3.6'), 1, { tls: true });
    server.current.controller.bootstrap();
    await server.settled();
    const c = await login(CREDENTIALS.password, true);
    expect(c.info.serverVersion).toBe('3.6.0');
    const client = c.facades['client'] as unknown as ClientV8;
    const status = await client.fullStatus({ patterns: [], 'include-storage': false });
    expect(status.model).toMatchObject({ version: '3.6.0', 'available-version': '3.6.2' });
    const application = c.facades['application'] as unknown as ApplicationV19;
    const deployed = await application.deploy({
      applications: [{ application: 'web', 'charm-url': 'ch:amd64/jammy/web-1', 'num-units': 1 } as never],
    });
    expect(deployed.results).toEqual([{}]);
  });
});
