/**
 * Nothing outlives a run, and nothing hangs it. Each harness here runs with a TMPDIR of its own,
 * which every process it starts inherits: after it exits, no process on the machine may carry that
 * TMPDIR (children and grandchildren, the server, client programs) and the folder must be empty.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/upgrade-chaos.js');
const work = mkdtempSync(join(tmpdir(), 'upgrade-chaos-cleanup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Processes whose environment holds `marker` (the harness's private TMPDIR). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(`TMPDIR=${marker}\0`)) found.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** The TCP ports in LISTEN state (IPv4 and IPv6), each with the socket inode that holds it. */
function listening(): Map<string, number> {
  const ports = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A') ports.set(f[9]!, parseInt(f[1]!.split(':')[1]!, 16)); // inode -> port
    }
  }
  return ports;
}

/** The ports the given processes listen on (their socket descriptors matched to LISTEN inodes). */
function portsOf(pids: number[]): number[] {
  const byInode = listening();
  const ports = new Set<number>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        const port = inode && byInode.get(inode);
        if (port) ports.add(port);
      }
    } catch {
      // gone, or its descriptors changed while being read
    }
  }
  return [...ports];
}

/** The error lines of stderr (run's own header line, which names the results folder, and the
 *  progress lines printed every few seconds when stderr is not a terminal, left out). */
/** The lines that say something went wrong: not the progress line, nor the status of a run that
 *  waits for its clients to settle (a loaded machine shows it). */
const errorLines = (stderr: string): string[] =>
  stderr
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('upgrade-chaos: ') && !/ · \d+\/\d+ runs · /.test(l) && !/ waiting for .+ to settle, /.test(l),
    );

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function harness(name: string, args: string[]) {
  const tmp = mkdtempSync(join(work, `${name}-`));
  const child = execa('node', [BIN, ...args], {
    cwd: work,
    reject: false,
    timeout: 180_000,
    env: { TMPDIR: tmp },
  });
  return { child, tmp };
}

const scenario = (deployMs: number): string => {
  const path = join(work, `scenario-${deployMs}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      name: 'cleanup',
      controller: 'juju-1.25-inform',
      client: 'reconnecting',
      versions: ['1.25.3'],
      weights: { deploy: 1 },
      maxEvents: 3,
      expect: { 'deployments-complete': 'held' },
      deadlines: { deployMs },
    }),
  );
  return path;
};
const script = (name: string, text: string): string => {
  const path = join(work, name);
  writeFileSync(path, text);
  return `node ${path}`;
};
const processTarget = (clientCmd: string, deployMs = 600_000, runs = '4') => [
  'run',
  '--target',
  'process',
  '--scenario',
  scenario(deployMs),
  '--runs',
  runs,
  '--seed',
  '1',
  '--time-scale',
  '0.02',
  '--client-cmd',
  clientCmd,
];

describe('cleanup and deadlines', { timeout: 240_000 }, () => {
  it('SIGINT kills the client program and its grandchildren and the server, frees their ports, removes temporary folders; exit 130', async () => {
    const { child, tmp } = harness('sigint', processTarget(`sh -c 'sleep 3001 & sleep 3002; wait'`));
    await waitFor(() => processesWith(tmp).length >= 4); // harness, server, sh, sleeps
    await waitFor(() => readdirSync(tmp).length > 0);
    // The server's port and the fault proxies' ports.
    const ports = portsOf(processesWith(tmp));
    expect(ports.length).toBeGreaterThanOrEqual(2);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    await waitFor(() => processesWith(tmp).length === 0, 5_000);
    expect(readdirSync(tmp)).toEqual([]);
    const stillOpen = new Set(listening().values());
    expect(ports.filter((port) => stillOpen.has(port))).toEqual([]);
  });

  it('SIGTERM does the same to a client that ignores SIGTERM', async () => {
    const ignore = script('ignore-term.mjs', `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`);
    const { child, tmp } = harness('sigterm', processTarget(ignore));
    await waitFor(() => processesWith(tmp).length >= 3);
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    await waitFor(() => processesWith(tmp).length === 0, 10_000);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('an interrupted replay on a live target stops its run in flight, leaves nothing, exits 130', async () => {
    const sleeper = `sh -c 'sleep 3003'`;
    const { child, tmp } = harness('replay', [
      'replay',
      '--target',
      'process',
      '--scenario',
      scenario(600_000),
      '--seed',
      '1',
      '--path',
      '0',
      '--repeat',
      '3',
      '--client-cmd',
      sleeper,
    ]);
    await waitFor(() =>
      processesWith(tmp).some((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\x003003\x00'),
    );
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(errorLines(r.stderr)).toEqual(['upgrade-chaos: SIGINT: replay stopped']);
    await waitFor(() => processesWith(tmp).length === 0, 5_000);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('keeps the output of a program that ignores SIGTERM at its deadline', async () => {
    const ignore = script(
      'ignore-term-print.mjs',
      `process.on('SIGTERM', () => console.log('got SIGTERM, ignoring it')); console.log('started'); setInterval(() => {}, 1000);`,
    );
    const { child, tmp } = harness('deadline', processTarget(ignore, 50_000));
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/killed (at its deadline|by SIGKILL)/);
    expect(r.stdout).toContain('got SIGTERM, ignoring it');
    expect(processesWith(tmp)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('does not blame a program for printing 40 MiB', async () => {
    const loud = script(
      'loud.mjs',
      `import { writeFileSync } from 'node:fs';
       process.stdout.write('x'.repeat(40 << 20) + '\\nlast line\\n', () => {
         const apps = JSON.parse(process.env.UPGRADE_CHAOS_BUNDLE).applications;
         writeFileSync(process.env.UPGRADE_CHAOS_VIEW_FILE, JSON.stringify({ applications: {} }));
         process.exitCode = 0;
       });`,
    );
    const { child } = harness('loud', [...processTarget(loud), '--json']);
    const r = await child;
    expect(r.stdout + r.stderr).not.toMatch(/EPIPE|maxBuffer/);
    expect(r.exitCode, r.stdout.slice(-2000)).toBeLessThan(2);
    const failure = JSON.parse(r.stdout).failures[0];
    if (failure) expect(JSON.stringify(failure.violations)).not.toMatch(/client reported fail/);
  });

  it('tells a script that exits 127 itself from a command that cannot be run', async () => {
    const exits127 = script('exit-127.mjs', `process.exit(127);`);
    const own = await harness('own127', processTarget(exits127)).child;
    // It never dialled the controller: unusable too (exit 2), and said in its own words.
    expect(own.exitCode, own.stderr).toBe(2);
    expect(errorLines(own.stderr).join('\n')).toMatch(/exited with code 127 before it connected to the controller/);
    expect(own.stderr).not.toMatch(/could not be run/);
    const out = join(work, 'missing-results');
    const missing = await harness('missing', [...processTarget('no-such-program-upgrade-chaos'), '--out', out]).child;
    expect(missing.exitCode).toBe(2);
    expect(errorLines(missing.stderr).join('\n')).toMatch(
      /^upgrade-chaos: --client-cmd "no-such-program-upgrade-chaos" could not be run/,
    );
    // Nothing ran to the end: no results folder is announced, or made, for it.
    expect(missing.stderr).not.toMatch(/results in/);
    expect(existsSync(out)).toBe(false);
  });

  it('exits after --time-limit on the process target, leaving nothing behind', async () => {
    const { child, tmp } = harness('time-limit', gatedRun('100000', '--time-limit', '3'));
    const r = await child;
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBeLessThan(2);
    await waitFor(() => processesWith(tmp).length === 0, 5_000);
  });

  it('fails a run whose controller stops answering with exit 3 and one clear line, never hangs', async () => {
    const { child, tmp } = harness('paused', gatedRun('50'));
    // The server is the harness's child that runs server-main: freeze it once the harness says
    // its seed and target (it has started its target and begins its runs).
    const stderr = collected(child.stderr);
    await waitFor(() => stderr().includes('target process'));
    const server = processesWith(tmp).find((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server-main'),
    );
    expect(server).toBeDefined();
    process.kill(server!, 'SIGSTOP');
    const r = await child;
    expect(r.timedOut).toBe(false);
    expectOneTargetFailure(r.exitCode, r.stderr, /(stopped answering|timed out|deadline)/);
    try {
      process.kill(server!, 'SIGCONT');
    } catch {
      // killed already, as it should be
    }
    await waitFor(() => processesWith(tmp).length === 0, 10_000);
  }, 240_000);

  it('the external target ends with exit 3 and one clear line when its controller dies mid-run', async () => {
    // A `controller` of its own (the CLI command a user would start), killed once runs are going.
    const { child: controller, tmp: controllerTmp } = harness('external-controller', [
      'controller',
      '--port',
      '0',
      '--controller',
      'juju-1.24',
      '--password',
      'pw',
      '--time-scale',
      '0.02',
    ]);
    const banner = collected(controller.stdout);
    await waitFor(() => /^model URL: +(\S+)$/m.test(banner()));
    const url = /^model URL: +(\S+)$/m.exec(banner())![1]!;
    const { child, tmp } = harness('external', [
      'run',
      '--target',
      'external',
      '--url',
      url,
      '--username',
      'admin',
      '--password',
      'pw',
      '--time-scale',
      '0.02',
      '--scenario',
      'juju-1.24-gated-api',
      '--runs',
      '50',
      '--seed',
      '1',
    ]);
    const stderr = collected(child.stderr);
    await waitFor(() => /\d+\/50 runs/.test(stderr())); // a run has ended and others are under way
    controller.kill('SIGKILL');
    await controller;
    const r = await child; // ends: the execa timeout would say it hung
    expect(r.timedOut).toBe(false);
    expectOneTargetFailure(r.exitCode, r.stderr, /cannot reach|connection closed|stopped answering|timed out|deadline/);
    await waitFor(() => processesWith(tmp).length + processesWith(controllerTmp).length === 0, 10_000);
  }, 240_000);
});

/** A process-target run of the gated scenario, seed 1: `runs`, then any further flags. */
function gatedRun(runs: string, ...flags: string[]): string[] {
  const args = ['run', '--target', 'process', '--scenario', 'juju-1.24-gated-api'];
  return [...args, '--runs', runs, ...flags, '--seed', '1'];
}

/** Everything a child's stream has said so far. */
function collected(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

/** Exit 3, and a single error line saying the target failed and why. */
function expectOneTargetFailure(exitCode: number | undefined, stderr: string, why: RegExp): void {
  expect(exitCode, stderr).toBe(3);
  expect(errorLines(stderr), stderr).toHaveLength(1);
  expect(errorLines(stderr)[0]).toMatch(/^upgrade-chaos: target failed: /);
  expect(errorLines(stderr)[0]).toMatch(why);
}
