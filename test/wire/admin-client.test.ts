/**
 * The admin client's kept-alive connections: a request that goes out on a connection the server
 * is closing as idle (the race Node's keep-alive agents have) is sent again on a new one, not
 * reported as a failed target (exit 3). An answer the closing sequence times its waits by (the
 * ties of a quiesce) is checked: another shape is one clear error.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../harness/wire/admin-client.ts';

const STATUS = JSON.stringify({ quiet: true });
const ANSWER = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(STATUS)}\r\nconnection: keep-alive\r\n\r\n${STATUS}`;

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy(); // the agent keeps its connection open
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** A server that answers each connection's first request and closes the connection, unanswered,
 *  when a second request arrives on it: what a server closing an idle connection does to a
 *  request already on its way. */
async function closingServer(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    let requests = 0;
    socket.on('data', (chunk) => {
      if (!chunk.toString().includes('\r\n\r\n')) return;
      if (++requests === 1) socket.write(ANSWER);
      else socket.destroy();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

describe('the admin client', () => {
  it('sends a request again on a new connection when its kept-alive one was closed under it', async () => {
    const { port, connections } = await closingServer();
    const admin = AdminClient.forPort(port, { username: 'admin', password: 'pw' });
    await expect(admin.status()).resolves.toEqual({ quiet: true });
    await expect(admin.status()).resolves.toEqual({ quiet: true });
    expect(connections()).toBe(2);
  });

  it('sends it again on a connection of its own: after a stall every kept-alive one may be stale', async () => {
    const { port, connections } = await closingServer();
    const admin = AdminClient.forPort(port, { username: 'admin', password: 'pw' });
    await Promise.all([admin.status(), admin.status()]); // two connections kept alive, both closing
    expect(connections()).toBe(2);
    await expect(admin.status()).resolves.toEqual({ quiet: true });
    expect(connections()).toBe(3);
  });

  it('refuses a quiesce answer whose ties are not [{index, t, applied}], with one clear line', async () => {
    const answers = [{ applied: true }, { applied: true, ties: [{ index: 2, t: 'soon', applied: true }] }];
    let asked = 0;
    const http = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answers[asked++ % answers.length]));
    });
    server = http;
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const admin = AdminClient.forPort((http.address() as AddressInfo).port, { username: 'admin', password: 'pw' });
    const shape = 'the answer\'s ties must be [{"index": N, "t": ms, "applied": true|false}]';
    await expect(admin.quiesce()).rejects.toThrow(`admin quiesce: ${shape}, got nothing`);
    await expect(admin.quiesce()).rejects.toThrow(
      `admin quiesce: ${shape}, got [{"index":2,"t":"soon","applied":true}]`,
    );
  });
});
