import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../harness/wire/admin-client.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { tlsMaterialIn } from '../../harness/wire/tls.ts';
import { CREDENTIALS, fastProfile, profile, RawClient, startServer, waitFor } from './helpers.ts';

let server: ControllerServer | undefined;
const clients: RawClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openTls(path = ''): Promise<RawClient> {
  const c = await RawClient.open(`${server!.tlsModelUrl!}${path}`, server!.caCert);
  clients.push(c);
  return c;
}

/** How a plain TCP dial to the port ends: 'connected', or the error code (ECONNREFUSED). */
function dial(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('wire/tls: the agent serves wss:// with a CA made for the server', () => {
  it('verifies against the CA it hands out, and only against it', async () => {
    server = await startServer(profile('juju-3.6'), 1, { tls: true });
    server.current.controller.bootstrap();
    await server.settled();
    expect(server.tlsModelUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/model\/[0-9a-f-]+\/api$/);
    expect(server.caCert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const c = await openTls();
    const login = await c.login();
    expect(login.error).toBeUndefined();
    expect(login.response['server-version']).toBe('3.6.0');
    // Without the CA the certificate is not trusted: it is the server's own, not a public one.
    await expect(RawClient.open(server.tlsModelUrl!)).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    // The plain ws:// endpoint stays for the built-in clients and jujulib.
    const plain = await RawClient.open(server.modelUrl);
    clients.push(plain);
    expect((await plain.login()).error).toBeUndefined();
  });

  it("refuses TCP connections to the agent's port while the agent is down, and listens again once it is up", async () => {
    server = await startServer(
      fastProfile('juju-3.6', { timing: { ...fastProfile('juju-3.6').timing, restartMs: [300, 300] } }),
      1,
      { tls: true },
    );
    const port = server.tlsPort!;
    expect(await dial(port)).toBe('ECONNREFUSED'); // not bootstrapped: nothing listens
    server.current.controller.bootstrap();
    await waitFor(async () => (await dial(port)) === 'connected', 3_000, 'the agent port to listen');
    const a = await openTls();
    await a.login();
    expect(await AdminClient.forPort(server.port, CREDENTIALS).restart()).toEqual({ applied: true });
    expect(await a.closed()).toBe(1006);
    await waitFor(async () => (await dial(port)) === 'ECONNREFUSED', 1_000, 'the port to refuse');
    // The admin endpoint, on the plain port, answers all along.
    expect((await AdminClient.forPort(server.port, CREDENTIALS).status()).up).toBe(false);
    await waitFor(() => server!.current.controller.isUp, 3_000, 'agent up');
    await waitFor(async () => (await dial(port)) === 'connected', 3_000, 'the same port to listen again');
    expect(server.tlsPort).toBe(port);
    const b = await openTls();
    expect((await b.login()).error).toBeUndefined();
  });

  it('serves https on the same port: a charm upload needs the credentials', async () => {
    server = await startServer(profile('juju-3.6'), 1, { tls: true });
    server.current.controller.bootstrap();
    await server.settled();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        `https://127.0.0.1:${server!.tlsPort}/model/d3b9a6c4-1a7e-4d3f-9a4e-0c5e2f1b7a10/charms?series=jammy`,
        { method: 'POST', ca: server!.caCert!, headers: { authorization: 'Basic dXNlci1hZG1pbjp3cm9uZw==' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once('error', reject);
      req.end('not a zip');
    });
    expect(status).toBe(401);
  });

  it('keeps its certificates in a folder it is given, so a restarted server process keeps its CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-test-'));
    dirs.push(dir);
    const first = await tlsMaterialIn(join(dir, 'tls'));
    const second = await tlsMaterialIn(join(dir, 'tls'));
    expect(second.caCert).toBe(first.caCert);
    expect(second.key).toBe(first.key);
    expect(second.caCertFile).toBe(join(dir, 'tls', 'ca.crt'));
    const fresh = await tlsMaterialIn();
    expect(fresh.caCert).not.toBe(first.caCert);
    fresh.dispose();
  });
});
