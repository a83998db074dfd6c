import { afterEach, describe, expect, it } from 'vitest';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { AdminClient } from '../../harness/wire/admin-client.ts';
import { FaultProxy } from '../../harness/faults/proxy.ts';
import { CREDENTIALS, fastProfile, profile, RawClient, startServer, waitFor } from './helpers.ts';

let server: ControllerServer | undefined;
let proxy: FaultProxy | undefined;
const clients: RawClient[] = [];

async function open(path = ''): Promise<RawClient> {
  const c = await RawClient.open(`${server!.modelUrl}${path}`);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await proxy?.close();
  proxy = undefined;
  await server?.close();
  server = undefined;
});

describe('wire/server: error replies', () => {
  it('answers malformed frames with an error reply and keeps serving the connection', async () => {
    server = await startServer(profile('juju-1.24'));
    server.current.controller.bootstrap();
    const c = await open();
    c.sendRaw('this is not json');
    expect(await c.frame()).toMatchObject({ 'request-id': 0, response: {}, 'error-code': 'bad request' });
    c.sendRaw('{"request-id": 9, "type": "Client", "version": "8", "request": "FullStatus"}');
    expect(await c.frame()).toMatchObject({
      'request-id': 9,
      error: expect.stringMatching(/version must be an integer/),
    });
    c.ws.send(Buffer.from('{"request-id": 10, "type": 1}')); // a binary frame, decoded all the same
    expect(await c.frame()).toMatchObject({ 'request-id': 10, error: expect.stringMatching(/type must be a string/) });
    expect((await c.login()).error).toBeUndefined();
  });

  it("refuses bad credentials with Juju's message and code, and work before login", async () => {
    server = await startServer(profile('juju-1.24'));
    server.current.controller.bootstrap();
    const c = await open();
    expect(await c.call('Client', 8, 'FullStatus')).toMatchObject({
      error: 'not logged in',
      'error-code': 'unauthorized access',
    });
    expect(await c.login('wrong')).toEqual({
      'request-id': 2,
      response: {},
      error: 'invalid entity name or password',
      'error-code': 'unauthorized access',
    });
  });

  it('answers unknown facades, versions and methods with not implemented', async () => {
    server = await startServer(profile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    const c = await open();
    await c.login();
    expect(await c.call('Nope', 1, 'X')).toMatchObject({
      error: 'unknown object type "Nope"',
      'error-code': 'not implemented',
    });
    expect(await c.call('Client', 2, 'FullStatus')).toMatchObject({
      error: 'unknown version (2) of interface "Client"',
      'error-code': 'not implemented',
    });
    expect(await c.call('Client', 8, 'Nope')).toMatchObject({
      error: 'no such request - method Client(8).Nope is not implemented',
      'error-code': 'not implemented',
    });
  });

  it('lets a user log in during an upgrade but refuses work with "upgrade in progress" (restricted API)', async () => {
    server = await startServer(profile('juju-1.24')); // real timings: the implicit upgrade stays pending for seconds
    server.current.controller.bootstrap();
    const c = await open();
    const login = await c.login();
    expect(login.error).toBeUndefined();
    expect(login.response).toMatchObject({ 'server-version': '1.24.0', 'model-tag': expect.stringMatching(/^model-/) });
    const status = await c.call('Client', 8, 'FullStatus');
    expect(status.response).toMatchObject({ model: { version: '1.24.0', 'model-status': { status: 'busy' } } });
    const refused = await c.call('Client', 8, 'WatchAll');
    expect(refused).toEqual({
      'request-id': 3,
      response: {},
      error: 'upgrade in progress - Juju functionality is limited',
    });
    expect((await c.call('Application', 19, 'Deploy', { applications: [] })).error).toMatch(/^upgrade in progress/);
  });

  it("uses Juju 2.x's message and code when the profile says so", async () => {
    server = await startServer(profile('juju-1.24', { upgradeErrorStyle: '2.x' }));
    server.current.controller.bootstrap();
    const c = await open();
    await c.login();
    expect(await c.call('Client', 8, 'WatchAll')).toMatchObject({
      error: 'upgrade in progress',
      'error-code': 'upgrade in progress',
    });
  });
});

describe('wire/server: the API over a socket', () => {
  it('serves WatchAll and long-polls AllWatcher.Next until the model changes', async () => {
    server = await startServer(fastProfile('juju-1.22', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    const c = await open();
    await c.login();
    const { response } = await c.call('Client', 8, 'WatchAll');
    const id = String(response['watcher-id']);
    const first = await c.call('AllWatcher', 3, 'Next', undefined, id);
    expect((first.response['deltas'] as unknown[][]).map((d) => d[0])).toContain('model');
    const waiting = c.call('AllWatcher', 3, 'Next', undefined, id);
    const other = await open();
    await other.login();
    const deploy = await other.call('Application', 19, 'Deploy', {
      applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 1 }],
    });
    expect(deploy.response).toEqual({ results: [{}] });
    const next = await waiting;
    expect(
      (next.response['deltas'] as unknown[][]).some(
        (d) => d[0] === 'unit' && (d[2] as { name: string }).name === 'mysql/0',
      ),
    ).toBe(true);
    expect(await c.call('AllWatcher', 3, 'Next', undefined, 'nope')).toMatchObject({
      error: 'unknown watcher id',
      'error-code': 'not found',
    });
    expect((await c.call('AllWatcher', 3, 'Stop', undefined, id)).error).toBeUndefined();
    expect(await c.call('AllWatcher', 3, 'Next', undefined, id)).toMatchObject({ 'error-code': 'stopped' });
  });

  it('serves /api too, and nothing else', async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    const api = await RawClient.open(`ws://127.0.0.1:${server.port}/api`);
    clients.push(api);
    expect((await api.login()).error).toBeUndefined();
    await expect(RawClient.open(`ws://127.0.0.1:${server.port}/model/other/api`)).rejects.toThrow(/HTTP 404/);
  });
});

describe("wire/server: the agent's lifecycle", () => {
  it('refuses connections before bootstrap and while the agent restarts, and drops every socket on restart', async () => {
    server = await startServer(
      profile('juju-1.24', {
        implicitUpgrade: false,
        timing: { ...profile('juju-1.24').timing, restartMs: [300, 300] },
      }),
    );
    await expect(RawClient.open(server.modelUrl)).rejects.toThrow(/ECONNRESET|socket hang up/);
    server.current.controller.bootstrap();
    const a = await open();
    const b = await open();
    await a.login();
    const admin = AdminClient.forPort(server.port, CREDENTIALS);
    expect(await admin.restart()).toEqual({ applied: true });
    expect(await a.closed()).toBe(1006); // a dying agent sends no close frame
    expect(await b.closed()).toBe(1006);
    await expect(RawClient.open(server.modelUrl)).rejects.toThrow(/ECONNRESET|socket hang up/);
    await waitFor(() => server!.current.controller.isUp, 3_000, 'agent up');
    const c = await open();
    expect((await c.login()).error).toBeUndefined();
    const closes = server.current.history.records.filter((r) => r.type === 'conn-close');
    expect(closes.map((r) => r.type === 'conn-close' && r.reason)).toEqual(['agent-down', 'agent-down']);
  });

  it("records a client's own close (close frame or FIN) as client, and a cut connection (proxy reset) as a fault", async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    proxy = await FaultProxy.start({ targetPort: server.port });
    const url = `ws://127.0.0.1:${proxy.port}${new URL(server.modelUrl).pathname}`;
    const a = await RawClient.open(`${url}?client=client-a`);
    const b = await RawClient.open(`${url}?client=client-b`);
    const c = await RawClient.open(`${url}?client=client-c`);
    clients.push(a, b, c);
    await a.login();
    await b.login();
    await c.login();
    a.ws.close();
    c.ws.terminate(); // no close frame: as when a client's process exits
    await waitFor(
      () => server!.current.history.records.filter((r) => r.type === 'conn-close').length === 2,
      3_000,
      'close a, c',
    );
    proxy.reset();
    await waitFor(
      () => server!.current.history.records.some((r) => r.type === 'conn-close' && r.client === 'client-b'),
      3_000,
      'close b',
    );
    const reasons = Object.fromEntries(
      server.current.history.records.flatMap((r) => (r.type === 'conn-close' ? [[r.client, r.reason]] : [])),
    );
    expect(reasons).toEqual({ 'client-a': 'client', 'client-b': 'fault', 'client-c': 'client' });
  });
});

describe('wire/server: admin endpoint', () => {
  it('drives events, reports status and history, and resets to a fresh controller', async () => {
    server = await startServer(fastProfile('juju-1.22'));
    const admin = AdminClient.forPort(server.port, CREDENTIALS);
    expect(await admin.status()).toMatchObject({ bootstrapped: false, quiet: true, profile: 'juju-1.22' });
    expect(await admin.bootstrap()).toEqual({ applied: true });
    expect(await admin.bootstrap()).toEqual({ applied: false });
    await expect(admin.publish('not-a-version')).rejects.toThrow(/HTTP 400/);
    expect(await admin.publish('1.22.9')).toEqual({ applied: true });
    await waitFor(async () => (await admin.status()).quiet, 3_000, 'the implicit upgrade to finish');
    const c = await open();
    await c.login();
    expect(await admin.upgrade({ version: '1.22.9' })).toEqual({ applied: true, chosen: '1.22.9' });
    expect(await admin.upgrade({})).toMatchObject({ applied: false, error: 'upgrade in progress' });
    const h = await admin.history();
    expect(h.records.map((r) => r.type)).toEqual(
      expect.arrayContaining(['bootstrap', 'version', 'upgrade-end', 'conn-open', 'login']),
    );

    const { modelUrl } = await admin.reset({ profile: 'juju-1.24', seed: 7, timeScale: 0.5 });
    expect(modelUrl).toBe(server.modelUrl);
    expect(await c.closed()).toBe(1006);
    expect(await admin.status()).toMatchObject({ bootstrapped: false, profile: 'juju-1.24' });
    expect((await admin.history()).records).toEqual([]);
    await expect(admin.reset({ profile: 'juju-9' })).rejects.toThrow(/unknown controller profile/);
    await expect(
      new AdminClient(`http://127.0.0.1:${server.port}/admin`, CREDENTIALS).history(),
    ).resolves.toBeDefined();
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const post = (authorization?: string) =>
      fetch(`http://127.0.0.1:${server!.port}/admin/nope`, {
        method: 'POST',
        body: '{',
        ...(authorization ? { headers: { authorization } } : {}),
      });
    expect((await post()).status).toBe(401); // the admin endpoint needs the controller's credentials
    expect((await post(basic('admin', 'wrong'))).status).toBe(401);
    expect((await post(basic('admin', CREDENTIALS.password))).status).toBe(400);
    expect(CREDENTIALS.username).toBe('admin');
  });
});
