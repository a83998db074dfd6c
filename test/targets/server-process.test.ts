import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../../harness/targets/process/server-process.ts';
import { AdminClient } from '../../harness/wire/admin-client.ts';
import { CREDENTIALS, RawClient } from '../wire/helpers.ts';
import { TargetError } from '../../harness/errors.ts';

let server: ServerProcess;
const clients: RawClient[] = [];

beforeAll(async () => {
  server = await ServerProcess.start({ credentials: CREDENTIALS });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('targets/process/server-process', () => {
  it('starts the controller server as a process and says where it listens', async () => {
    expect(server.alive).toBe(true);
    expect(server.port).toBeGreaterThan(0);
    expect(await AdminClient.forPort(server.port, CREDENTIALS).status()).toMatchObject({ bootstrapped: false });
  });

  it('pauses with SIGSTOP (nothing answers, sockets stay open) and resumes with SIGCONT', async () => {
    const admin = AdminClient.forPort(server.port, CREDENTIALS, 300);
    await admin.bootstrap();
    const c = await RawClient.open(`ws://127.0.0.1:${server.port}/model/d3b9a6c4-1a7e-4d3f-9a4e-0c5e2f1b7a10/api`);
    clients.push(c);
    server.pause();
    await expect(admin.status()).rejects.toThrow(/admin status/);
    const login = c.login();
    await new Promise((r) => setTimeout(r, 200));
    expect(c.closeCode).toBeUndefined();
    server.resume();
    expect((await login).error).toBeUndefined();
    expect(await admin.status()).toMatchObject({ bootstrapped: true });
  });

  it('crashes with SIGKILL (every socket drops) and comes back on the same port with a fresh controller', async () => {
    const { port } = server;
    const pid = server.pid!;
    const c = await RawClient.open(`ws://127.0.0.1:${port}/model/d3b9a6c4-1a7e-4d3f-9a4e-0c5e2f1b7a10/api`).catch(
      async () => {
        await AdminClient.forPort(port, CREDENTIALS).bootstrap();
        return RawClient.open(`ws://127.0.0.1:${port}/model/d3b9a6c4-1a7e-4d3f-9a4e-0c5e2f1b7a10/api`);
      },
    );
    clients.push(c);
    await server.crash();
    expect(alive(pid)).toBe(false);
    expect(await c.closed()).toBe(1006);
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await AdminClient.forPort(port, CREDENTIALS).status()).toMatchObject({ bootstrapped: false });
  });

  it('respawns after the process died on its own', async () => {
    process.kill(server.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    expect(server.alive).toBe(false);
    await server.respawn();
    expect(server.alive).toBe(true);
    expect(await AdminClient.forPort(server.port, CREDENTIALS).status()).toMatchObject({ bootstrapped: false });
  });

  it('fails with a TargetError when it cannot listen', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      const port = (blocker.address() as AddressInfo).port;
      await expect(ServerProcess.start({ credentials: CREDENTIALS, port, readyTimeoutMs: 10_000 })).rejects.toThrow(
        TargetError,
      );
    } finally {
      blocker.close();
    }
  });
});
