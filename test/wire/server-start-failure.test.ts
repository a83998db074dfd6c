/**
 * A controller server whose start fails after it began listening closes what it opened: its HTTP
 * port, the cloud-local address's listener and the default session's agent TLS port. Here the failure
 * is a state folder with a broken session file (a restarted server's `--state-dir`): taking sessions
 * back is the last step of start, after every listener is open. Every TCP server that starts to
 * listen meanwhile is noted (net.Server.prototype.listen, spied on), and each must have stopped
 * listening by the time start rejects: `listening` turns false as its socket closes, nothing waits on time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { profile, startServer } from './helpers.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'uc-broken-state-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
const broken = join(stateDir, '00000000-0000-4000-8000-000000000001');
mkdirSync(broken);
writeFileSync(join(broken, 'session.json'), '{"modelUuid": "00000000-0000-4000-8000-0000');
writeFileSync(join(broken, 'state.json'), '{}');

/** The TCP servers (HTTP ones included) that start listening from now on (the agent's each time it comes up). */
function noteListeners(): Set<Server> {
  const servers = new Set<Server>();
  const listen = Server.prototype.listen;
  vi.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server, ...args: unknown[]) {
    servers.add(this);
    return (listen as (...a: unknown[]) => Server).apply(this, args);
  });
  return servers;
}
afterEach(() => vi.restoreAllMocks());

const juju124 = () => profile('juju-1.24', { implicitUpgrade: false });

describe('wire: a controller server whose start fails midway', () => {
  it('rejects, and leaves no listener open (HTTP, cloud-local address, agent TLS port)', async () => {
    const servers = noteListeners();
    await expect(startServer(juju124(), 1, { tls: true, stateDir })).rejects.toThrow(SyntaxError);
    expect(servers.size).toBe(3);
    expect([...servers].filter((s) => s.listening)).toEqual([]);
  });

  it('a server that starts holds those three listeners until it closes (what the check above sees)', async () => {
    const servers = noteListeners();
    const server = await startServer(juju124(), 1, { tls: true });
    // The agent's TLS port listens only while its agent is up: from bootstrap.
    server.current.controller.bootstrap();
    await server.settled();
    expect([...servers].map((s) => s.listening)).toEqual([true, true, true]);
    await server.close();
    expect([...servers].filter((s) => s.listening)).toEqual([]);
  });
});
