/**
 * The Juju 3 wire a python-libjuju script needs (shared/reference/python-libjuju.md), tested with
 * frames of our own: facade negotiation, ModelConfig, ModelManager on the controller endpoint, the
 * model delta's config, FullStatus application status, RFC 3339 `since`, Charms, local charm
 * upload then Application.Deploy, DeployFromRepository, CharmHub's info endpoint, and the
 * restricted API's 2.x errors during an explicit upgrade.
 */
import { deflateRawSync, crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { MODEL_UUID } from '../../harness/controller/model-state.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { CREDENTIALS, fastProfile, RawClient, startServer, waitFor } from './helpers.ts';

let server: ControllerServer | undefined;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
});

async function connect(path = `/model/${MODEL_UUID}/api`): Promise<RawClient> {
  const c = await RawClient.open(`wss://127.0.0.1:${server!.tlsPort}${path}`, server!.caCert);
  clients.push(c);
  expect((await c.login()).error).toBeUndefined();
  return c;
}

async function juju36(changes = {}): Promise<ControllerServer> {
  server = await startServer(fastProfile('juju-3.6', changes), 1, { tls: true });
  server.current.controller.bootstrap();
  await server.settled();
  return server;
}

/** A zip archive (deflated entries) as charm tools make them. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function upload(body: Buffer, password = CREDENTIALS.password): Promise<{ status: number; json: unknown }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      `https://127.0.0.1:${server!.tlsPort}/model/${MODEL_UUID}/charms?series=jammy`,
      {
        method: 'POST',
        ca: server!.caCert!,
        headers: {
          'content-type': 'application/zip',
          authorization: `Basic ${Buffer.from(`user-admin:${password}`).toString('base64')}`,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

describe('wire/juju3: facade negotiation', () => {
  it('advertises every version served per facade, serves each call under each, and refuses the others', async () => {
    await juju36();
    const c = await RawClient.open(`wss://127.0.0.1:${server!.tlsPort}/model/${MODEL_UUID}/api`, server!.caCert);
    clients.push(c);
    const login = await c.login();
    const facades = login.response['facades'] as { name: string; versions: number[] }[];
    const byName = Object.fromEntries(facades.map((f) => [f.name, f.versions]));
    expect(byName).toMatchObject({ Client: [6, 8], ModelUpgrader: [1, 2], ModelConfig: [3], ModelManager: [9] });
    expect(byName['Admin']).toBeUndefined(); // the login root is not a facade to choose
    const v6 = await c.call('Client', 6, 'FullStatus', { patterns: null });
    const v8 = await c.call('Client', 8, 'FullStatus', {});
    expect(v6.error).toBeUndefined();
    expect(v6.response['model']).toEqual(v8.response['model']);
    expect(await c.call('Client', 7, 'FullStatus', {})).toMatchObject({
      error: 'unknown version (7) of interface "Client"',
      'error-code': 'not implemented',
    });
  });
});

describe('wire/juju3: what python-libjuju reads on connect and status', () => {
  it('ModelGet carries charmhub-url (the loopback charm-info endpoint), GetModelConstraints is empty', async () => {
    await juju36();
    const c = await connect();
    const config = (await c.call('ModelConfig', 3, 'ModelGet')).response['config'] as Record<string, unknown>;
    expect(config['charmhub-url']).toEqual({ value: `http://127.0.0.1:${server!.port}/charmhub`, source: 'default' });
    expect(config['agent-version']).toEqual({ value: '3.6.0', source: 'model' });
    expect((await c.call('ModelConfig', 3, 'GetModelConstraints')).response).toEqual({ constraints: {} });
    const info = await fetch(`http://127.0.0.1:${server!.port}/charmhub/v2/charms/info/ubuntu?fields=channel-map`);
    expect(await info.json()).toMatchObject({
      name: 'ubuntu',
      'default-release': { revision: { subordinate: false } },
    });
  });

  it('ModelManager.ModelInfo answers on the controller endpoint (/api) for the one model', async () => {
    await juju36();
    const c = await connect('/api');
    const r = await c.call('ModelManager', 9, 'ModelInfo', {
      entities: [{ tag: `model-${MODEL_UUID}` }, { tag: 'model-other' }],
    });
    const [one, other] = r.response['results'] as Record<string, unknown>[];
    expect(one!['result']).toMatchObject({
      name: 'default',
      uuid: MODEL_UUID,
      type: 'iaas',
      'agent-version': '3.6.0',
      life: 'alive',
      'owner-tag': 'user-admin',
      'controller-uuid': MODEL_UUID,
      status: { status: 'available' },
    });
    expect(other!['error']).toMatchObject({ code: 'not found' });
  });

  it('the model delta carries config; statuses carry RFC 3339 since; FullStatus gives application status', async () => {
    await juju36();
    const c = await connect();
    const watcher = (await c.call('Client', 6, 'WatchAll')).response['watcher-id'] as string;
    const first = await c.call('AllWatcher', 3, 'Next', {}, watcher);
    const deltas = first.response['deltas'] as [string, string, Record<string, unknown>][];
    const model = deltas.find(([kind]) => kind === 'model')![2];
    expect(model['config']).toMatchObject({ 'charmhub-url': expect.stringMatching(/^http:/), name: 'default' });
    expect((model['status'] as { since: string }).since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    await c.call('Application', 19, 'Deploy', {
      applications: [{ application: 'web', 'charm-url': 'ch:amd64/jammy/web-1', 'num-units': 1 }],
    });
    const status = await c.call('Client', 6, 'FullStatus', { patterns: null });
    const web = (status.response['applications'] as Record<string, Record<string, unknown>>)['web']!;
    expect(web['status']).toMatchObject({ status: expect.stringMatching(/waiting|maintenance/) });
    await waitFor(
      async () => {
        const s = await c.call('Client', 6, 'FullStatus', {});
        const app = (s.response['applications'] as Record<string, { status: { status: string } }>)['web']!;
        return app.status.status === 'active';
      },
      5_000,
      'web active in FullStatus',
    );
  });
});

describe('wire/juju3: deploying', () => {
  it('uploads a local charm over https, then deploys it with Application.Deploy', async () => {
    await juju36();
    const charm = zip({ 'metadata.yaml': 'name: hello\nsummary: hi\nseries: [jammy]\n', 'README.md': 'hello' });
    expect(await upload(charm, 'wrong')).toMatchObject({ status: 401 });
    expect(await upload(zip({ 'README.md': 'no metadata' }))).toMatchObject({ status: 400 });
    const { status, json } = await upload(charm);
    expect(status).toBe(200);
    expect(json).toEqual({ 'charm-url': 'local:jammy/hello-0' });
    const c = await connect();
    const deploy = (url: string, name: string): Promise<unknown> =>
      c.call('Application', 19, 'Deploy', {
        applications: [{ application: name, 'charm-url': url, 'num-units': 2, 'charm-origin': { source: 'local' } }],
      });
    expect(await deploy('local:jammy/hello-0', 'hello')).toMatchObject({ response: { results: [{}] } });
    expect(await deploy('local:jammy/never-uploaded-0', 'other')).toMatchObject({
      response: { results: [{ error: { code: 'not found' } }] },
    });
    expect(server!.current.controller.model.application('hello')!.units).toHaveLength(2);
  });

  it('resolves and adds a CharmHub charm, then DeployFromRepository deploys it', async () => {
    await juju36();
    const c = await connect();
    const resolved = await c.call('Charms', 6, 'ResolveCharms', {
      resolve: [{ reference: 'ch:ubuntu', 'charm-origin': { source: 'charm-hub', architecture: 'amd64' } }],
    });
    const [result] = resolved.response['results'] as Record<string, unknown>[];
    expect(result).toMatchObject({ url: 'ch:amd64/jammy/ubuntu-1', 'supported-series': ['jammy'] });
    const added = await c.call('Charms', 6, 'AddCharm', {
      url: result!['url'],
      'charm-origin': result!['charm-origin'],
    });
    expect(added.response['charm-origin']).toMatchObject({ source: 'charm-hub' });
    const deployed = await c.call('Application', 19, 'DeployFromRepository', {
      Args: [{ ApplicationName: 'ubuntu', CharmName: 'ubuntu', 'num-units': 1, DryRun: false }],
    });
    expect(deployed.response).toEqual({
      results: [{ info: { name: 'ubuntu', architecture: 'amd64' }, pendingresourceuploads: [] }],
    });
    const again = await c.call('Application', 19, 'DeployFromRepository', {
      Args: [{ ApplicationName: 'ubuntu', CharmName: 'ubuntu', 'num-units': 1 }],
    });
    expect(again.response['results']).toEqual([
      { errors: [{ message: 'application "ubuntu" already exists', code: 'already exists' }] },
    ]);
    const requests = server!.current.history.records.filter(
      (r) => r.type === 'request' && r.method === 'DeployFromRepository',
    );
    expect(requests.map((r) => r.type === 'request' && r.apps)).toEqual([['ubuntu'], []]);
  });
});

describe('wire/juju3: an explicit upgrade of Juju 3.6', () => {
  it('no implicit upgrade; the API serves until the restart; a login during the upgrade steps gets "upgrade in progress" (message and code) for its whole life', async () => {
    await juju36({
      timing: { ...fastProfile('juju-3.6').timing, downloadMs: [300, 300], restartMs: [100, 100], stepsMs: [400, 400] },
    });
    const c = await connect();
    const status = await c.call('Client', 6, 'FullStatus', {});
    expect(status.response['model']).toMatchObject({ version: '3.6.0', 'available-version': '3.6.2' });
    const upgrade = await c.call('ModelUpgrader', 1, 'UpgradeModel', {
      'model-tag': `model-${MODEL_UUID}`,
      'target-version': '3.6.2',
    });
    expect(upgrade.response).toEqual({ 'chosen-version': '3.6.2' });
    // While the new agent downloads, Juju 3 serves as usual.
    expect((await c.call('ModelConfig', 3, 'ModelGet')).error).toBeUndefined();
    expect(await c.closed()).toBe(1006);
    await waitFor(() => server!.current.controller.isUp, 3_000, 'agent up after the restart');
    await server!.settled();
    const d = await connect();
    expect((await d.login()).response['server-version']).toBe('3.6.2');
    const refusal = { error: 'upgrade in progress', 'error-code': 'upgrade in progress' };
    expect(await d.call('ModelConfig', 3, 'ModelGet')).toMatchObject(refusal);
    expect(await d.call('Client', 6, 'WatchAll')).toMatchObject(refusal);
    expect((await d.call('Client', 6, 'FullStatus', {})).error).toBeUndefined();
    await waitFor(() => !server!.current.controller.upgrading, 3_000, 'upgrade steps done');
    // The restriction was fixed at login: this connection stays restricted; a new one is not.
    expect(await d.call('Client', 6, 'WatchAll')).toMatchObject(refusal);
    const e = await connect();
    expect((await e.call('Client', 6, 'WatchAll')).error).toBeUndefined();
  });
});
