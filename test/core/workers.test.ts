/**
 * The sim on worker threads gives the result of one thread: the same cases, the same first failure
 * per property, the same shrunk plan, seed, path and history hash. Through the CLI (the bundles
 * bin/ builds, as `npx upgrade-chaos` runs them) and through the sources (vitest loads them with tsx).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { explore, exploreAsync } from '../../harness/explore.ts';
import { exploreOnWorkers } from '../../harness/explore-on-workers.ts';
import type { ExploreResult } from '../../harness/explore-result.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { SimPool } from '../../harness/workers/sim-pool.ts';
import { CLIENT_PROFILES } from '../../harness/clients/profiles.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');
const out = mkdtempSync(join(tmpdir(), 'upgrade-chaos-workers-'));
const pool = new SimPool(2);
afterAll(async () => {
  await pool.close();
  rmSync(out, { recursive: true, force: true });
});

const CLI_TIMEOUT_MS = 120_000;
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: out, timeout: CLI_TIMEOUT_MS });

const TIMINGS = new Set(['runsPerSecond', 'elapsedMs', 'shrinkMs', 'firstFailureMs', 'results', 'file']);
/** A result as JSON without the fields that measure time (or name this invocation's own results folder). */
const withoutTimings = (result: unknown): string =>
  JSON.stringify(result, (key, value: unknown) => (TIMINGS.has(key) ? undefined : value));

const naive = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);

// A test's timeout covers the CLI runs it waits for one after the other (two at most), each bounded by
// CLI_TIMEOUT_MS: vitest's 60 s default cut them short on a loaded CI machine, where their own bound
// should have spoken.
describe('run --workers through the CLI', { timeout: 2 * CLI_TIMEOUT_MS + 10_000 }, () => {
  it('--workers 2 and 3 print the JSON result of --workers 1 (timings aside) for the same seed', async () => {
    const args = ['run', '--scenario', 'juju-1.22-implicit-upgrade', '--runs', '2000', '--seed', '4', '--json'];
    args.push('--no-corpus'); // they run side by side: none may see the others' failures
    const [one, ...more] = await Promise.all(['1', '2', '3'].map((n) => cli(...args, '--workers', n)));
    expect(one!.exitCode).toBe(1);
    const a = JSON.parse(one!.stdout) as ExploreResult;
    expect(a.failures.length).toBeGreaterThan(1);
    for (const other of more) {
      expect(other.exitCode).toBe(1);
      expect(withoutTimings(JSON.parse(other.stdout))).toBe(withoutTimings(a));
    }
  });

  it('--check-determinism passes on workers', async () => {
    const checked = await cli(
      ...['run', '--scenario', 'juju-1.24-gated-api', '--runs', '600', '--seed', '2', '--workers', '2'],
      '--check-determinism',
    );
    expect(checked.exitCode, checked.stderr).toBe(0);
  });

  it('a corpus qualify on workers matches every expectation', async () => {
    const qualify = await cli('qualify', '--runs', '300', '--seed', '1', '--workers', '2', '--json');
    expect(qualify.exitCode, qualify.stderr).toBe(0);
  });

  it('refuses --workers on a real target and a bad count', async () => {
    const real = await cli('run', '--target', 'process', '--workers', '2', '--scenario', 'juju-1.24-gated-api');
    expect(real.exitCode).toBe(2);
    expect(real.stderr).toMatch(/--workers/);
    const zero = await cli('run', '--workers', '0');
    expect(zero.exitCode).toBe(2);
  });
});

describe('exploreOnWorkers from the sources', () => {
  it('finds, shrinks, covers and reports exactly what explore does, for random and coverage (run in-process)', async () => {
    for (const strategy of ['random', 'coverage'] as const) {
      const options = { runs: 700, seed: 11, strategy, coverage: true };
      const parallel = await exploreOnWorkers(pool, naive, options);
      expect(withoutTimings(parallel), strategy).toBe(withoutTimings(explore(naive, options)));
    }
  });

  it('stops at the same case as explore when every property has been violated', async () => {
    const races = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!, {
      properties: ['no-work-before-upgrade', 'watchers-resume', 'deployments-complete'],
    });
    const options = { runs: 5000, seed: 3, stopWhenAllViolated: true };
    const sequential = explore(races, options);
    expect(sequential.runs).toBeLessThan(5000);
    expect(withoutTimings(await exploreOnWorkers(pool, races, options))).toBe(withoutTimings(sequential));
  });

  it('checks determinism on the workers', async () => {
    const options = { runs: 300, seed: 5, checkDeterminism: true };
    expect(withoutTimings(await exploreOnWorkers(pool, gated, options))).toBe(withoutTimings(explore(gated, options)));
  });

  it('runs a shard’s cases as explore does, over ranges wider than one shard’s', async () => {
    for (const index of [1, 3]) {
      const options = { runs: 1500, seed: 12, shard: { index, count: 3 } };
      const sequential = explore(naive, options);
      expect(sequential.runs).toBe(500);
      expect(withoutTimings(await exploreOnWorkers(pool, naive, options)), `shard ${index}/3`).toBe(
        withoutTimings(sequential),
      );
    }
  });

  it('stops at the case an interrupt came after, and keeps what it found unshrunk', async () => {
    const interruptAt = (runs: number) => {
      const controller = new AbortController();
      return {
        runs: 4000,
        seed: 13,
        signal: controller.signal,
        onProgress: (p: { runs: number }) => p.runs === runs && controller.abort(),
      };
    };
    const sequential = await exploreAsync(naive, interruptAt(700));
    expect(sequential).toMatchObject({ runs: 700, interrupted: true });
    expect(sequential.failures.length).toBeGreaterThan(0);
    expect(withoutTimings(await exploreOnWorkers(pool, naive, interruptAt(700)))).toBe(withoutTimings(sequential));
  });

  it('stops at once on an interrupt that comes while it waits for the workers', async () => {
    const controller = new AbortController();
    let aborting = false;
    const result = await exploreOnWorkers(pool, gated, {
      runs: 10_000_000,
      seed: 14,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.runs < 300 || aborting) return;
        aborting = true;
        setTimeout(() => controller.abort(), 0); // outside the note: the main thread is waiting then
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.runs).toBeGreaterThanOrEqual(300);
    expect(result.runs).toBeLessThan(10_000_000);
  });

  it('explores in-process a config whose client profile cannot travel to a worker', async () => {
    const own = { ...CLIENT_PROFILES[0]!, name: 'my-own-client' };
    const config = { ...naive, client: own };
    expect(pool.canRun(config)).toBe(false);
    const options = { runs: 200, seed: 6 };
    expect(withoutTimings(await exploreOnWorkers(pool, config, options))).toBe(
      withoutTimings(explore(config, options)),
    );
  });
});
