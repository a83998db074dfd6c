/**
 * Security basics: the server listens on loopback unless told otherwise; the password never
 * appears on a command line (ps), in a replay line, a report or a failure file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { replayLine } from '../../harness/cli/replay-line.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { ServerProcess } from '../../harness/targets/process/server-process.ts';
import { ControllerServer } from '../../harness/wire/server.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { fastProfile } from './helpers.ts';

const PASSWORD = 'hunter2-do-not-print';
const CREDENTIALS = { username: 'admin', password: PASSWORD };
const out = mkdtempSync(join(tmpdir(), 'upgrade-chaos-security-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const RUN_TIMEOUT_MS = 120_000;

// A run's own bound (RUN_TIMEOUT_MS), not vitest's 60 s default, says when it hung.
describe('security basics', { timeout: RUN_TIMEOUT_MS + 10_000 }, () => {
  it('listens on 127.0.0.1 by default', async () => {
    const server = await ControllerServer.start({ profile: fastProfile('juju-1.24'), credentials: CREDENTIALS });
    expect((server as unknown as { http: { address(): AddressInfo } }).http.address().address).toBe('127.0.0.1');
    await server.close();
  });

  it('starts the server process without the password on its command line', async () => {
    const server = await ServerProcess.start({ credentials: CREDENTIALS });
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8');
    await server.stop();
    expect(cmdline).toContain('server-main');
    expect(cmdline).not.toContain(PASSWORD);
  });

  it('prints replay lines with a placeholder for the password', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);
    const failure = { property: 'deployments-complete', seed: 1, path: '0' } as Parameters<typeof replayLine>[1];
    // A run's settings never hold the password (run-settings.ts); the line names the variable instead.
    const target = { name: 'external', url: 'ws://127.0.0.1:1/model/x/api', username: 'admin' };
    const line = replayLine(config, failure, { overrides: {}, strategy: 'random', target });
    expect(line).not.toContain(PASSWORD);
    expect(line).toContain('--password "$UPGRADE_CHAOS_PASSWORD"');
  });

  it('writes the password into no output, report or failure file of a run on an external controller', async () => {
    const server = await ControllerServer.start({ profile: fastProfile('juju-1.22'), credentials: CREDENTIALS });
    server.current.controller.bootstrap();
    const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');
    const args = [
      'run',
      '--target',
      'external',
      '--url',
      server.modelUrl,
      '--username',
      'admin',
      '--password',
      PASSWORD,
    ];
    const run = await execa(
      'node',
      [
        BIN,
        ...args,
        '--scenario',
        'juju-1.22-implicit-upgrade',
        '--property',
        'deployments-complete',
        '--runs',
        '5',
        '--seed',
        '1',
        '--time-scale',
        '0.01',
        // A client that always fails, so that a failure (replay line, failure file) is written: the
        // model is cleared between runs, so no run inherits an earlier one's applications.
        '--client-cmd',
        `node ${resolve('test/fixtures/clients/dials-then-fails.mjs')}`,
      ],
      { cwd: out, reject: false, timeout: RUN_TIMEOUT_MS, env: { UPGRADE_CHAOS_PASSWORD: '' } },
    );
    await server.close();
    expect(run.exitCode, run.stderr).toBeLessThan(2);
    expect(run.stdout).toContain('Replay: '); // a failure was reported, with its replay line
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    for (const file of readdirSync(out, { recursive: true }).map(String))
      if (!file.endsWith('/')) expect(safeRead(join(out, file)), file).not.toContain(PASSWORD);
  });
});

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // a folder
  }
}
