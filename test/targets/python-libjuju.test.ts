/**
 * The real python-libjuju, where it can be imported (UPGRADE_CHAOS_PYTHON, default python3, with
 * `import juju` working): the example deployment script against a wss:// Juju 3.6 controller, and
 * the python-libjuju-3.6 scenario's client on the process target. python-libjuju is in no package
 * registry these machines reach, so elsewhere (CI) these tests say they did not run; the wire it
 * needs is tested without it in test/wire/juju3-calls.test.ts and test/wire/python-client.test.ts.
 */
import { execa } from 'execa';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTHON_LIBJUJU_SCRIPT } from '../../harness/clients/python-libjuju-profile.ts';
import { MODEL_UUID } from '../../harness/controller/model-state.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { checkProperties } from '../../properties/index.ts';
import { pythonLibjuju36 } from '../../scenarios/python-libjuju-3.6.ts';
import { CREDENTIALS, fastProfile, startServer } from '../wire/helpers.ts';

const PYTHON = process.env['UPGRADE_CHAOS_PYTHON'] ?? 'python3';
const importable = (await execa(PYTHON, ['-c', 'import juju'], { reject: false })).exitCode === 0;
const NOT_RUN = importable
  ? ''
  : ` (NOT RUN: ${PYTHON} cannot import juju; set UPGRADE_CHAOS_PYTHON and PYTHONPATH to a python-libjuju checkout)`;

let server: ControllerServer | undefined;
let target: ProcessTarget | undefined;
const dirs: string[] = [];

afterAll(async () => {
  await server?.close();
  await target?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SCRIPT_TIMEOUT_MS = 120_000;

describe('python-libjuju, the real library', () => {
  it.skipIf(!importable)(
    `the example script connects over wss, reads status, deploys a local charm and sees its units active${NOT_RUN}`,
    async () => {
      server = await startServer(fastProfile('juju-3.6'), 1, { tls: true });
      server.current.controller.bootstrap();
      await server.settled();
      const dir = mkdtempSync(join(tmpdir(), 'pylibjuju-test-'));
      dirs.push(dir);
      const viewFile = join(dir, 'view.json');
      const r = await execa(PYTHON, [PYTHON_LIBJUJU_SCRIPT], {
        reject: false,
        timeout: SCRIPT_TIMEOUT_MS,
        env: {
          UPGRADE_CHAOS_API_URL: server.tlsModelUrl!,
          UPGRADE_CHAOS_USERNAME: CREDENTIALS.username,
          UPGRADE_CHAOS_PASSWORD: CREDENTIALS.password,
          UPGRADE_CHAOS_CA_CERT: server.caCert!,
          UPGRADE_CHAOS_BUNDLE: JSON.stringify({ applications: { web: { charm: 'hello', num_units: 2 } } }),
          UPGRADE_CHAOS_VIEW_FILE: viewFile,
          UPGRADE_CHAOS_DEADLINE_MS: '60000',
        },
      });
      expect(r.stdout).toContain('every unit is active');
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(readFileSync(viewFile, 'utf8'))).toEqual({
        applications: { web: { units: { 'web/0': 'active', 'web/1': 'active' } } },
      });
      const records = server.current.history.records;
      const calls = records.flatMap((x) => (x.type === 'request' ? [`${x.facade}.${x.method}`] : []));
      for (const call of ['ModelConfig.ModelGet', 'ModelManager.ModelInfo', 'Client.FullStatus', 'Application.Deploy'])
        expect(calls).toContain(call);
      expect(server.current.controller.model.hasCharm('local:jammy/hello-0')).toBe(true);
      expect(MODEL_UUID).toBe(server.tlsModelUrl!.split('/')[4]);
    },
    SCRIPT_TIMEOUT_MS + 10_000, // the script's own bound, not vitest's 60 s default, says when it hung
  );

  it.skipIf(!importable)(
    `the python-libjuju-3.6 scenario's client deploys on the process target, named client-0 by the controller${NOT_RUN}`,
    async () => {
      target = await createProcessTarget({ timeScale: 0.2 });
      const config = resolveRun(pythonLibjuju36);
      const h = await target.run(
        config,
        [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 2 }],
        1,
      );
      expect(checkProperties(h, config.properties)).toEqual([]);
      expect(h.some((r) => r.type === 'ok' && r.client === 'client-0')).toBe(true);
      expect(
        h.filter((r) => r.type === 'conn-open').every((r) => r.type === 'conn-open' && r.client === 'client-0'),
      ).toBe(true);
      expect(h.find((r) => r.type === 'client-view')).toMatchObject({
        view: { applications: { mysql: { units: { 'mysql/0': 'active', 'mysql/1': 'active' } } } },
      });
    },
  );

  it.skipIf(!importable)(
    `a --client-cmd python-libjuju script deploys the bundle's charms as named on juju-3.6 (Charmhub names, not cs:)${NOT_RUN}`,
    async () => {
      const script = join(import.meta.dirname, 'programs/libjuju-bundle-deploy.py');
      const bundled = await createProcessTarget({ timeScale: 0.5, tls: true, clientCommand: `${PYTHON} ${script}` });
      try {
        const config = resolveRun(pythonLibjuju36);
        const h = await bundled.run(
          config,
          [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 1 }],
          1,
        );
        const outcome = h.find((r) => (r.type === 'ok' || r.type === 'fail') && r.client === 'client-0');
        // With cs:trusty/mysql: fail, "JujuError('unknown deploy type cs, expected charmhub or local')".
        expect(outcome, JSON.stringify(outcome)).toMatchObject({ type: 'ok' });
        const deploy = h.find((r) => r.type === 'request' && r.accepted && r.charms?.['mysql'] !== undefined);
        expect(deploy).toMatchObject({ charms: { mysql: 'ch:amd64/jammy/mysql-1' } });
      } finally {
        await bundled.close();
      }
    },
    SCRIPT_TIMEOUT_MS,
  );

  /** A folder of the test's own with a python that has no site-packages: whatever this machine has
   *  installed, `import juju` fails there. */
  function withoutLibjuju(): { dir: string; bare: string } {
    const dir = mkdtempSync(join(tmpdir(), 'pylibjuju-missing-'));
    dirs.push(dir);
    const bare = join(dir, 'bare-python');
    writeFileSync(bare, '#!/bin/sh\nexec /usr/bin/python3 -I -S "$@"\n');
    chmodSync(bare, 0o755);
    return { dir, bare };
  }
  const bin = join(import.meta.dirname, '../../bin/upgrade-chaos.js');

  it("qualify on a real target checks every scenario's prerequisite before any run: one line naming the scenario and how to leave it out", async () => {
    const { dir, bare } = withoutLibjuju();
    const args = ['qualify', '--target', 'process', '--runs', '10', '--seed', '1', '--report', 'rep'];
    const r = await execa('node', [bin, ...args], { cwd: dir, reject: false, env: { UPGRADE_CHAOS_PYTHON: bare } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(3);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('upgrade-chaos: '));
    expect(errors, r.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^upgrade-chaos: target failed: python-libjuju-3\.6 cannot run here: .*cannot import juju/,
    );
    expect(errors[0]).toMatch(/--scenario NAME \(repeatable\)/);
    expect(r.stderr).not.toMatch(/results in|runs/); // refused before the target started or a run ran
  });

  it('without python-libjuju: exit 3 and one line saying how to get it, not a property violation', async () => {
    const { dir, bare } = withoutLibjuju();
    const args = ['run', '--target', 'process', '--scenario', 'python-libjuju-3.6', '--runs', '2', '--seed', '1'];
    const r = await execa('node', [bin, ...args, '--no-corpus'], {
      cwd: dir,
      reject: false,
      env: { UPGRADE_CHAOS_PYTHON: bare },
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).not.toMatch(/violated/);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('upgrade-chaos: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot import juju .*pip install juju/);
  });
});
