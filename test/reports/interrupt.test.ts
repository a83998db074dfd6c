/**
 * SIGINT or SIGTERM during a long `run --report`: the run stops within seconds, writes what it found
 * (a valid summary.json marked interrupted, each failure so far with its replay command), leaves no
 * child process, and exits 130; on the sim and on the process target.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, readSummary, workFolder } from './cli-helpers.ts';

const work = workFolder('interrupt');
afterAll(() => work.remove());

/** Starts a run in a process group of its own, so that what it leaves behind can be looked for. */
function start(report: string, args: string[]) {
  return execa('node', [BIN, 'run', '--report', report, '--no-corpus', ...args], {
    cwd: work.dir,
    reject: false,
    detached: true,
  });
}

const START_TIMEOUT_MS = 60_000;
const FAILURE_TIMEOUT_MS = 90_000;
const STOP_LIMIT_MS = 30_000;
const STEPS_TIMEOUT_MS = START_TIMEOUT_MS + FAILURE_TIMEOUT_MS + STOP_LIMIT_MS + 20_000;

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function processesInGroup(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  return (
    out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      // A zombie (<defunct>) has already exited: only its parent's wait is missing.
      .filter(([pid, group, ...args]) => Number(group) === pgid && Number(pid) !== pgid && !args.includes('<defunct>'))
      .map((parts) => parts.join(' '))
  );
}

describe('an interrupted run', () => {
  it.each([
    ['SIGINT', 'sim', ['--scenario', 'juju-1.22-implicit-upgrade', '--runs', '10000000', '--seed', '3']],
    [
      'SIGTERM',
      'process',
      [
        ...['--target', 'process', '--scenario', 'juju-1.22-implicit-upgrade', '--runs', '1000', '--seed', '3'],
        ...['--time-scale', '0.02'],
      ],
    ],
    [
      // Ctrl-C in a terminal: SIGINT to the whole process group, the controller server included.
      'SIGINT to the process group',
      'process',
      [
        ...['--target', 'process', '--scenario', 'juju-1.22-implicit-upgrade', '--runs', '1000', '--seed', '4'],
        ...['--time-scale', '0.02'],
      ],
    ],
  ] as const)(
    '%s on the %s target stops within seconds, keeps what it found and exits 130',
    async (signal, target, args) => {
      const report = join(work.dir, `out-${target}-${signal.replaceAll(' ', '-')}`);
      const child = start(report, [...args]);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      // Wait until the run has found a failure: the progress line (every 5 s off a terminal) says so.
      // (Its results folder is made once there is something to keep: at the latest, at the interrupt.)
      await until(() => stderr.includes(`target ${target}`), START_TIMEOUT_MS, 'the run to start');
      await until(() => /· [1-9]\d* failures? ·/.test(stderr), FAILURE_TIMEOUT_MS, 'a failure to be found');
      const sent = Date.now();
      if (signal === 'SIGINT to the process group') process.kill(-child.pid!, 'SIGINT');
      else process.kill(child.pid!, signal);
      const result = await child;
      const stoppedMs = Date.now() - sent;
      expect(result.exitCode, result.stderr).toBe(130);
      expect(stoppedMs).toBeLessThan(target === 'sim' ? 10_000 : STOP_LIMIT_MS);
      expect(processesInGroup(child.pid!)).toEqual([]);

      const summary = readSummary(report);
      expect(summary.interrupted).toBe(true);
      expect(summary.endedAt).toBeDefined();
      const [s] = summary.scenarios;
      expect(s!.interrupted).toBe(true);
      expect(s!.runs).toBeGreaterThan(0);
      expect(s!.runs).toBeLessThan(target === 'sim' ? 10_000_000 : 1000);
      expect(s!.failures.length, 'the 1.22 race is found within the first runs').toBeGreaterThan(0);
      for (const f of s!.failures) {
        expect(f.replay).toMatch(/^npx upgrade-chaos replay /);
        const record = JSON.parse(readFileSync(join(report, 'failures', f.id, 'failure.json'), 'utf8'));
        expect(record.property).toBe(f.property);
      }
      expect(result.stdout).toMatch(/Interrupted/);
      expect(readFileSync(join(report, 'junit.xml'), 'utf8')).toContain('name="interrupted" value="true"');
    },
    // The waits above (start, first failure, stop) add up to 180 s; on a loaded CI machine the process
    // target's first run alone took over 60 s, vitest's default.
    STEPS_TIMEOUT_MS,
  );

  it(
    "an interrupt after runs that held gives summary.json the console's verdict, interrupted, not pass (trial 13)",
    async () => {
      const report = join(work.dir, 'out-held-interrupted');
      const child = start(report, ['--scenario', 'juju-1.24-gated-api', '--runs', '10000000', '--seed', '1']);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      await until(() => /· [1-9][\d,]*\/[\d,]+ runs ·/.test(stderr), START_TIMEOUT_MS, 'some runs to end');
      process.kill(child.pid!, 'SIGTERM');
      const result = await child;
      expect(result.exitCode, result.stderr).toBe(130);
      const summary = readSummary(report);
      const [s] = summary.scenarios;
      expect(s!.runs).toBeGreaterThan(0);
      expect(result.stdout).toMatch(/INTERRUPTED after/);
      // The gated API holds on the sim; were a violation found, the verdict would say fail.
      expect(summary.verdict).toBe(s!.failures.length > 0 ? 'fail' : 'interrupted');
      expect(summary.interrupted).toBe(true);
    },
    STEPS_TIMEOUT_MS,
  );
});
