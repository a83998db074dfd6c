/**
 * The container target against a real Docker engine. Under CI=true these tests run and fail
 * without Docker; elsewhere, without an engine, they are skipped and say so on stderr.
 * No container of ours outlives a run, a failing test, or a SIGINT.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { createContainerTarget } from '../../harness/targets/container/index.ts';
import { CONTAINER_LABEL, type ContainerServer } from '../../harness/targets/container/container-server.ts';
import { checkoutId, controllerImage, IMAGE_LABEL, pruneImagesBut } from '../../harness/targets/container/image.ts';
import type { ProcessTarget } from '../../harness/targets/process/index.ts';
import { checkProperties } from '../../properties/index.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { crashedRun } from './crashed-run.ts';
import { pausedRun } from './paused-run.ts';

const dockerUp = (await execa('docker', ['info'], { reject: false })).exitCode === 0;
const ci = process.env['CI'] === 'true';
if (!dockerUp && !ci)
  process.stderr.write('container-target.test.ts: no Docker engine here, skipped (CI=true runs it)\n');

const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');
const out = mkdtempSync(join(tmpdir(), 'upgrade-chaos-container-'));
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: out, timeout: 240_000 });

/**
 * The containers, running or not, that the harness process `pid` started: their run label starts
 * with its pid. (Other checkouts on the machine may run containers of the same label meanwhile.)
 */
async function containersOf(pid: number | undefined): Promise<string[]> {
  const format = `{{.ID}} {{.Label "${CONTAINER_LABEL}.run"}}`;
  const r = await execa('docker', ['ps', '-a', '--filter', `label=${CONTAINER_LABEL}`, '--format', format]);
  return r.stdout
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([id, run]) => id && run?.startsWith(`${pid}-`))
    .map(([id]) => id!);
}

/**
 * What `containers` still lists once the reaper has had its time: after a process that did not get
 * to remove its container itself (killed, or exited while the engine was still creating it), the
 * reaper it left (container-server.ts) removes it within seconds.
 */
async function leftAfterReaper(containers: () => Promise<string[]>): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  while ((await containers()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  return containers();
}

/** Whether a container exists at all, running or not. */
async function exists(id: string): Promise<boolean> {
  return (await execa('docker', ['ps', '-aq', '--no-trunc', '--filter', `id=${id}`])).stdout.trim() !== '';
}

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!dockerUp && !ci)('targets/container', () => {
  let target: ProcessTarget<ContainerServer>;
  beforeAll(async () => {
    // Clients dial wss:// to each session's agent TLS port (host networking: no port to publish).
    target = await createContainerTarget({ timeScale: 0.04, tls: true });
  }, 240_000);
  afterAll(async () => {
    const id = target?.server.id;
    await target?.close();
    if (id) expect(await exists(id)).toBe(false);
  });

  it('builds the image once and reuses it while the server is unchanged', async () => {
    const again = await controllerImage();
    expect(again.built).toBe(false);
    expect(again.name).toBe(`upgrade-chaos-controller:${checkoutId()}-${again.name.slice(-16)}`);
    expect(again.name).toMatch(/-[0-9a-f]{16}$/);
    const labels = await execa('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', again.name]);
    expect(JSON.parse(labels.stdout)).toMatchObject({ [IMAGE_LABEL]: 'controller' });
  });

  it("prunes this checkout's other images once a new one is built, never another checkout's or an unlabelled one", async () => {
    // A repository of this test's own, so the engine's real controller images are untouched.
    const repository = `upgrade-chaos-prune-test-${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-prune-'));
    const make = (name: string, labelled: boolean) =>
      execa('sh', [
        '-c',
        `tar -C "${dir}" -cf - . | docker import ${labelled ? `--change "LABEL ${IMAGE_LABEL}=controller"` : ''} - ${name}`,
      ]);
    const mine = checkoutId();
    const [old, fresh, othersOld, foreign] = [`${mine}-old`, `${mine}-new`, 'aaaa0000-old', `${mine}-foreign`].map(
      (tag) => `${repository}:${tag}`,
    );
    try {
      await make(old!, true);
      await make(fresh!, true);
      await make(othersOld!, true); // another clone's, on the same engine
      await make(foreign!, false);
      expect(await pruneImagesBut(fresh!, { repository, minAgeMs: 60_000 })).toEqual([]); // too young
      expect(await pruneImagesBut(fresh!, { repository, minAgeMs: 0 })).toEqual([old]);
      const left = await execa('docker', ['images', repository, '--format', '{{.Repository}}:{{.Tag}}']);
      expect(left.stdout.split('\n').sort()).toEqual([foreign, fresh, othersOld].sort());
    } finally {
      await execa('docker', ['rmi', old!, fresh!, othersOld!, foreign!], { reject: false });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the lp:1455260 race in the container, and survives a crash and a pause of it', async () => {
    const c = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
    const plan: Plan = [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 2 }];
    const h = await target.run(c, plan, 1);
    expect(h.find((r) => r.type === 'run-start')).toMatchObject({ target: 'container' });
    expect(target.server.tls?.caCert).toMatch(/BEGIN CERTIFICATE/);
    // Which of the race's symptoms show depends on real timing; the deploy never completes.
    const violated = new Set(checkProperties(h, c.properties).map((v) => v.property));
    expect(violated).toContain('deployments-complete');

    const server = target.server;
    const port = server.port;
    await target.crash(); // docker kill, docker start: same port, a fresh controller
    expect(server.port).toBe(port);
    await target.pause();
    // A pause's own timer and the closing's heal may both resume it: one unpauses, neither fails.
    await Promise.all([target.resume(), target.resume()]);
    // Every property the gated scenario claims: its fix's, the controller's contract and the clients'.
    const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
    expect(gated.properties).toHaveLength(11);
    const after = await target.run(
      gated,
      [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'a', units: 1 }],
      2,
    );
    expect(checkProperties(after, gated.properties)).toEqual([]);
  }, 240_000);

  it('docker pauses the container for a pause event of the plan, and unpauses it', async () => {
    const id = target.server.id;
    const paused = async (): Promise<boolean> =>
      (await execa('docker', ['inspect', '-f', '{{.State.Paused}}', id])).stdout.trim() === 'true';
    await pausedRun(target, paused);
  }, 240_000);

  it("docker kills (then stops) the container for crash events and starts it again with the run's controller", async () => {
    const id = target.server.id;
    const started = async (): Promise<string> =>
      (await execa('docker', ['inspect', '-f', '{{.State.StartedAt}}', id])).stdout.trim();
    await crashedRun(target, started);
  }, 240_000);

  it('the CLI finds the race on juju-1.22, passes juju-1.24-gated-api, and leaves no container', async () => {
    const args = ['--target', 'container', '--runs', '20', '--seed', '3', '--json'];
    const naiveRun = cli('run', '--scenario', 'juju-1.22-implicit-upgrade', ...args);
    const naive = await naiveRun;
    expect(naive.exitCode, naive.stderr).toBe(1);
    expect(await containersOf(naiveRun.pid)).toEqual([]);
    expect(JSON.parse(naive.stdout)).toMatchObject({ target: 'container', verdict: 'fail' });
    // What takes seconds before the first run is said on stderr (stdout is the one JSON object).
    expect(naive.stderr).toMatch(
      /^upgrade-chaos: container target: (reusing|building) image upgrade-chaos-controller:\w+/m,
    );
    expect(naive.stderr).toMatch(/^upgrade-chaos: container target: starting the controller container$/m);
    // No --property: the run judges every property the scenario claims. Four in flight, at time scale
    // 0.05: this judges the controller in the container, not how many real-time runs a loaded
    // machine keeps on time (at 0.02 a 20 ms stall of its event loop is a second of model time).
    const slower = ['--concurrency', '4', '--time-scale', '0.05'];
    const gatedRun = cli('run', '--scenario', 'juju-1.24-gated-api', ...args, ...slower);
    const gated = await gatedRun;
    expect(gated.exitCode, gated.stderr).toBe(0);
    expect(await containersOf(gatedRun.pid)).toEqual([]);
  }, 480_000);

  it('SIGINT stops the run with exit 130 and removes the container', async () => {
    const run = execa(
      'node',
      [BIN, 'run', '--target', 'container', '--scenario', 'juju-1.24-gated-api', '--runs', '500', '--seed', '1'],
      { reject: false, cwd: out },
    );
    const deadline = Date.now() + 120_000;
    while ((await containersOf(run.pid)).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await containersOf(run.pid)).not.toEqual([]);
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode).toBe(130);
    expect(await containersOf(run.pid)).toEqual([]);
  }, 240_000);
});

describe.skipIf(!dockerUp && !ci)('targets/container interrupted while it starts', () => {
  const fixture = join(import.meta.dirname, '../fixtures/container-start-interrupt/start.ts');
  // A second Ctrl-C makes the CLI exit at once: a container created or started then was left behind.
  it.each([
    ['/containers/create', 'once'],
    ['/start', 'once'],
    ['/containers/create', 'twice'],
    ['/start', 'twice'],
    ['/logs', 'twice'],
  ])(
    'SIGINT as its %s request goes out (%s): exit 130, no container left',
    async (moment, times) => {
      const image = (await controllerImage()).name;
      const child = execa('node', ['--import', 'tsx', fixture, image, moment, times], {
        reject: false,
        timeout: 60_000,
      });
      const r = await child;
      expect(r.exitCode, `${r.stdout}${r.stderr}`).toBe(130);
      // A create the engine was still serving at the exit lands later: the reaper removes it.
      expect(await leftAfterReaper(() => containersOf(child.pid))).toEqual([]);
    },
    120_000,
  );
});

describe.skipIf(!dockerUp && !ci)('targets/container when its harness is killed', () => {
  it('SIGKILL (no exit hook runs): the reaper removes the container', async () => {
    const fixture = join(import.meta.dirname, '../fixtures/container-killed/start.ts');
    const child = execa('node', ['--import', 'tsx', fixture, (await controllerImage()).name], {
      reject: false,
      timeout: 120_000,
    });
    const id = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      void child.then((r) => reject(new Error(`the fixture ended first: ${r.stderr}`)));
    });
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await exists(id)).toBe(true);
    child.kill('SIGKILL');
    await child;
    expect(await leftAfterReaper(async () => ((await exists(id)) ? [id] : []))).toEqual([]);
  }, 180_000);
});

describe.skipIf(!dockerUp && !ci)('targets/container in a failing test', () => {
  it('a user test that fails with its container target open leaves no container', async () => {
    const idFile = join(out, 'fixture-container-id');
    const fixture = join(import.meta.dirname, '../fixtures/container-failing/vitest.config.ts');
    const r = await execa('npx', ['vitest', 'run', '--config', fixture], {
      reject: false,
      env: { UPGRADE_CHAOS_FIXTURE_OUT: idFile },
      timeout: 180_000,
    });
    expect(r.exitCode, r.stdout).toBe(1);
    expect(`${r.stdout}\n${r.stderr}`).toContain('this test fails on purpose');
    const id = readFileSync(idFile, 'utf8');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    // Its SIGTERM handler removes it; vitest SIGKILLs a worker 500 ms after its SIGTERM, which a
    // loaded machine's `docker rm -f` outlasted: then the reaper removes it.
    const left = async () => ((await exists(id)) ? [id] : []);
    expect(await leftAfterReaper(left)).toEqual([]);
  }, 240_000);
});

describe('targets/container without Docker', () => {
  it('exits 3 with one line saying how to start an engine', async () => {
    const r = await execa('node', [BIN, 'run', '--target', 'container', '--scenario', 'juju-1.24-gated-api'], {
      reject: false,
      cwd: out,
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no Docker engine answers.*start one/);
  }, 120_000);
});
