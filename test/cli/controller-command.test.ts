import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { controllerCommand } from '../../harness/cli/controller-command.ts';
import { RawClient, waitFor } from '../wire/helpers.ts';
import { TargetError, UsageError } from '../../harness/errors.ts';

function harness() {
  const lines: string[] = [];
  const input = new PassThrough();
  let stop!: () => void;
  const stopSignal = new Promise<void>((r) => {
    stop = r;
  });
  return { lines, input, stop, io: { out: (l: string) => lines.push(l), input, stopSignal } };
}

describe('upgrade-chaos controller (controllerCommand)', () => {
  it('prints the model URL and credentials, bootstraps, and takes commands on stdin', async () => {
    const h = harness();
    const done = controllerCommand(
      ['--port', '0', '--controller', 'juju-1.24', '--username', 'bob', '--password', 'pw', '--time-scale', '0.02'],
      h.io,
    );
    await waitFor(() => h.lines.some((l) => l.startsWith('password:')), 5_000, 'banner');
    const url = h.lines.find((l) => l.startsWith('model URL:'))!.split(/\s+/)[2]!;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/model\/[0-9a-f-]+\/api$/);
    expect(h.lines).toContain('username:   bob');
    expect(h.lines).toContain('password:   pw');
    expect(h.lines.some((l) => /bootstrap/.test(l))).toBe(true);

    const c = await RawClient.open(url);
    const login = await c.call('Admin', 3, 'Login', { 'auth-tag': 'user-bob', credentials: 'pw' });
    expect(login.error).toBeUndefined();
    // Login's servers name the port it listens on (--port 0: the kernel's), not Juju's default 17070,
    // after the controller's cloud-local address (wire/cloud-local-address.ts).
    const port = Number(new URL(url).port);
    expect(login.response.servers).toEqual([
      [
        { value: '127.0.0.1', type: 'ipv4', scope: 'local-cloud', port: expect.any(Number) },
        { value: '127.0.0.1', type: 'ipv4', scope: 'local-machine', port },
      ],
    ]);
    h.input.write('publish 1.24.3\nstatus\nupgrade not-a-version\nrestart\nbogus\n');
    await waitFor(() => h.lines.some((l) => l.startsWith('unknown command')), 5_000, 'replies');
    expect(h.lines).toContain('published 1.24.3');
    expect(h.lines.some((l) => l.startsWith('{') && JSON.parse(l).profile === 'juju-1.24')).toBe(true);
    expect(h.lines).toContain('usage: upgrade [VERSION] [--upload-tools]');
    expect(h.lines).toContain('agent restarting');
    expect(await c.closed()).toBe(1006);
    h.input.write('quit\n');
    await expect(done).resolves.toBe(0);
  });

  it('with --tls on juju-3.6: prints a wss:// model URL and the CA file, and serves it with that CA', async () => {
    const h = harness();
    const done = controllerCommand(['--port', '0', '--controller', 'juju-3.6', '--tls', '--password', 'pw'], h.io);
    await waitFor(() => h.lines.some((l) => l.startsWith('commands:')), 10_000, 'banner');
    const field = (name: string): string => h.lines.find((l) => l.startsWith(`${name}:`))!.replace(/^[^:]+:\s+/, '');
    const url = field('model URL');
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/model\/[0-9a-f-]+\/api$/);
    const caFile = field('CA file');
    const ca = readFileSync(caFile, 'utf8');
    expect(h.lines.join('\n')).toContain(ca.trim());
    expect(field('plain ws')).toMatch(/^ws:\/\//);
    const c = await RawClient.open(url, ca);
    const login = await c.call('Admin', 3, 'Login', { 'auth-tag': 'user-admin', credentials: 'pw' });
    expect(login.response['server-version']).toBe('3.6.0');
    expect(login.response.servers).toEqual([
      [
        { value: '127.0.0.1', type: 'ipv4', scope: 'local-cloud', port: expect.any(Number) },
        { value: '127.0.0.1', type: 'ipv4', scope: 'local-machine', port: Number(new URL(url).port) },
      ],
    ]);
    c.close();
    h.input.write('quit\n');
    await expect(done).resolves.toBe(0);
    expect(existsSync(caFile)).toBe(false); // its temporary folder goes with it
  });

  it('stops on its stop signal (an interrupt) with exit code 130', async () => {
    const h = harness();
    const done = controllerCommand(['--port', '0'], h.io);
    await waitFor(() => h.lines.some((l) => l.startsWith('password:')), 5_000, 'banner');
    expect(h.lines.find((l) => l.startsWith('password:'))).toMatch(/^password:\s+[0-9a-f]{24}$/); // generated
    h.stop();
    await expect(done).resolves.toBe(130);
  });

  it('rejects bad flags (usage) and a port in use (target)', async () => {
    await expect(controllerCommand(['--controller', 'juju-0'], harness().io)).rejects.toThrow(UsageError);
    await expect(controllerCommand(['--port', 'x'], harness().io)).rejects.toThrow(UsageError);
    await expect(controllerCommand(['--nope'], harness().io)).rejects.toThrow(UsageError);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      const port = (blocker.address() as AddressInfo).port;
      await expect(controllerCommand(['--port', String(port)], harness().io)).rejects.toThrow(TargetError);
    } finally {
      blocker.close();
    }
  });
});
