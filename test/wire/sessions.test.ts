import { afterEach, describe, expect, it } from 'vitest';
import { MODEL_UUID } from '../../harness/controller/model-state.ts';
import { AdminClient } from '../../harness/wire/admin-client.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { CREDENTIALS, fastProfile, RawClient, startServer, waitFor } from './helpers.ts';

let server: ControllerServer | undefined;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
});

async function open(url: string): Promise<RawClient> {
  const c = await RawClient.open(url);
  clients.push(c);
  return c;
}

describe('wire/server: many controller sessions in one server', () => {
  it('serves each session at its own model UUID with its own model, upgrade state and history', async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    const admin = AdminClient.forPort(server.port, CREDENTIALS);
    const a = await admin.openSession({ seed: 1 });
    const b = await admin.openSession({ seed: 2 });
    expect(a.modelUuid).not.toBe(b.modelUuid);
    expect(a.modelUrl).toBe(`ws://127.0.0.1:${server.port}/model/${a.modelUuid}/api`);
    expect(a.modelPath).toBe(`/model/${a.modelUuid}/api`);

    // Only a is bootstrapped: b refuses connections as an agent that is not up does.
    expect(await admin.session(a.modelUuid).bootstrap()).toEqual({ applied: true });
    await expect(RawClient.open(b.modelUrl)).rejects.toThrow(/ECONNRESET|socket hang up/);
    const ca = await open(a.modelUrl);
    const login = await ca.login();
    expect(login.response['model-tag']).toBe(`model-${a.modelUuid}`);
    const deploy = await ca.call('Application', 19, 'Deploy', {
      applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 1 }],
    });
    expect(deploy.error).toBeUndefined();

    // b and the default session see nothing of it.
    await admin.session(b.modelUuid).bootstrap();
    const cb = await open(b.modelUrl);
    await cb.login();
    const status = await cb.call('Client', 8, 'FullStatus');
    expect(status.response['applications']).toEqual({});
    expect(await admin.status()).toMatchObject({ modelUuid: MODEL_UUID, bootstrapped: false });

    const historyA = await admin.session(a.modelUuid).history();
    const historyB = await admin.session(b.modelUuid).history();
    expect(historyA.records.some((r) => r.type === 'request' && r.method === 'Deploy')).toBe(true);
    expect(historyB.records.some((r) => r.type === 'request' && r.method === 'Deploy')).toBe(false);
    expect(historyA.model.applications).toHaveProperty('mysql');

    // An upgrade of a restarts a's agent only.
    await admin.session(a.modelUuid).publish('1.24.3');
    expect(await admin.session(a.modelUuid).upgrade({ version: '1.24.3' })).toMatchObject({ applied: true });
    expect(await ca.closed()).toBeGreaterThan(0);
    expect(cb.closeCode).toBeUndefined();
    expect((await admin.session(b.modelUuid).status()).upgrading).toBe(false);
  });

  it('disposes a session: its connections drop and its UUID is served no more', async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    const admin = AdminClient.forPort(server.port, CREDENTIALS);
    const { modelUuid, modelUrl } = await admin.openSession({});
    await admin.session(modelUuid).bootstrap();
    const c = await open(modelUrl);
    await c.login();
    expect(await admin.session(modelUuid).dispose()).toEqual({ disposed: true });
    expect(await c.closed()).toBeGreaterThan(0);
    await expect(RawClient.open(modelUrl)).rejects.toThrow(/HTTP 404/);
    await expect(admin.session(modelUuid).status()).rejects.toThrow(/HTTP 404: no session/);
    expect(await admin.session(modelUuid).dispose()).toEqual({ disposed: false });
    expect(server.openSessions).toBe(0);
  });

  it('opens and disposes sessions cheaply', async () => {
    server = await startServer(fastProfile('juju-1.24'));
    const admin = AdminClient.forPort(server.port, CREDENTIALS);
    const opened = await Promise.all(Array.from({ length: 50 }, (_, i) => admin.openSession({ seed: i })));
    expect(new Set(opened.map((o) => o.modelUuid)).size).toBe(50);
    expect(server.openSessions).toBe(50);
    await Promise.all(opened.map((o) => admin.session(o.modelUuid).bootstrap()));
    await Promise.all(opened.map((o) => admin.session(o.modelUuid).dispose()));
    expect(server.openSessions).toBe(0);
    await waitFor(() => server!.openSessions === 0);
  });

  it('answers a status long poll once the state it waits for is reached, or at its wait with the state not reached', async () => {
    server = await startServer(fastProfile('juju-1.24'));
    const admin = AdminClient.forPort(server.port, CREDENTIALS);
    const { modelUuid } = await admin.openSession({ seed: 3 });
    const session = admin.session(modelUuid);
    // Not bootstrapped: never upgrade-idle, so the poll answers at its wait, with the state as it is.
    expect(await session.statusWhen('upgrade-idle', 50)).toMatchObject({ bootstrapped: false, up: false });
    await session.bootstrap();
    expect((await session.status()).upgrading).toBe(true); // the implicit upgrade after bootstrap
    // Pushed when the upgrade ends (its upgrade-end record), long before the 30 s wait.
    const idle = await session.statusWhen('upgrade-idle', 30_000);
    expect(idle).toMatchObject({ bootstrapped: true, up: true, upgrading: false });
    const { records } = await session.history();
    expect(records.some((r) => r.type === 'upgrade-end')).toBe(true);
    expect((await session.statusWhen('quiet', 30_000)).quiet).toBe(true);
    await expect(session.statusWhen('nothing' as 'quiet', 10)).rejects.toThrow(/HTTP 400/);
    // A session disposed while a poll waits answers it at once.
    const other = admin.session((await admin.openSession({})).modelUuid);
    const waiting = other.statusWhen('quiet', 30_000).catch((e: Error) => e.message);
    await other.bootstrap();
    await other.dispose();
    expect(await waiting).toBeDefined();
  });

  it('answers an unknown model path with 404 and keeps the default session at /api and MODEL_UUID', async () => {
    server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    await expect(
      RawClient.open(`ws://127.0.0.1:${server.port}/model/00000000-0000-0000-0000-000000000000/api`),
    ).rejects.toThrow(/HTTP 404/);
    const c = await open(`ws://127.0.0.1:${server.port}/api`);
    expect((await c.login()).response['model-tag']).toBe(`model-${MODEL_UUID}`);
  });
});
