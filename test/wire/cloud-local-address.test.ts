/**
 * Login's `servers` as Juju gives them: every API address of the controller machine, its
 * cloud-local one (which a client outside the cloud cannot reach) before the one the client dialled.
 * The cloud-local address takes a connection and never answers a WebSocket handshake, and goes with
 * the server.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { profile, RawClient, startServer } from './helpers.ts';

let server: ControllerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** How a WebSocket dial to `url` ends: 'open', or the error it ended with. */
function dialOutcome(url: string, handshakeTimeout: number): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout });
    ws.on('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.on('error', (e) => resolve(e.message));
  });
}

describe('wire: the controller cloud-local address in Login servers', () => {
  it('lists it first, scope local-cloud, then the dialled address; a dial there is never answered', async () => {
    server = await startServer(profile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    const c = await RawClient.open(server.modelUrl);
    const login = await c.login();
    c.close();
    const [machine] = login.response['servers'] as { value: string; scope: string; port: number }[][];
    expect(machine?.map((a) => a.scope)).toEqual(['local-cloud', 'local-machine']);
    expect(machine?.[1]?.port).toBe(server.port);
    const cloudLocal = machine![0]!;
    expect(cloudLocal.port).not.toBe(server.port);
    const url = `ws://${cloudLocal.value}:${cloudLocal.port}/model/x/api`;
    expect(await dialOutcome(url, 300)).toBe('Opening handshake has timed out');
    expect(await dialOutcome(server.modelUrl, 5_000)).toBe('open');

    await server.close();
    server = undefined;
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(cloudLocal.port, cloudLocal.value);
      socket.on('connect', () => resolve('connected'));
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
