/**
 * Sim workers started before the command loads (harness/cli/prestart-workers.ts, counted by
 * harness/cli/worker-flags.ts, handed over by harness/workers/prestart.ts): never more than the
 * command's pool will use, taken by the pool and giving the result of one thread, and a worker that
 * died before the pool took it fails the exploration rather than leave it waiting.
 */
import { describe, expect, it } from 'vitest';
import { RUN_FLAGS } from '../../harness/cli/run-command.ts';
import { prestartForCommand } from '../../harness/cli/prestart-workers.ts';
import { parseCommandFlags } from '../../harness/cli/target-flags.ts';
import { runsFlag, surelyWantedWorkers, workersFlag } from '../../harness/cli/worker-flags.ts';
import { explore } from '../../harness/explore.ts';
import { exploreOnWorkers } from '../../harness/explore-on-workers.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { takePrestartedWorker, type PrestartedWorker } from '../../harness/workers/prestart.ts';
import { SimPool } from '../../harness/workers/sim-pool.ts';
import { defaultWorkers } from '../../harness/workers/worker-count.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const TIMINGS = new Set(['runsPerSecond', 'elapsedMs', 'shrinkMs', 'firstFailureMs']);
const withoutTimings = (result: unknown): string =>
  JSON.stringify(result, (key, value: unknown) => (TIMINGS.has(key) ? undefined : value));

describe('defaultWorkers', () => {
  it('gives one worker per core, each with at least 5,000 cases (README, --workers)', () => {
    expect(defaultWorkers(1_000, 2)).toBe(1);
    expect(defaultWorkers(9_999, 2)).toBe(1); // two cold workers would be slower here than one
    expect(defaultWorkers(10_000, 2)).toBe(2);
    expect(defaultWorkers(100_000, 2)).toBe(2);
    expect(defaultWorkers(14_999, 4)).toBe(2);
    expect(defaultWorkers(20_000, 4)).toBe(4);
    expect(defaultWorkers(0, 4)).toBe(1);
  });
});

describe('surelyWantedWorkers', () => {
  it('reads --workers and --runs of run and qualify on the sim, in both flag spellings', () => {
    expect(surelyWantedWorkers(['run', '--scenario', 'x', '--workers', '3'])).toBe(3);
    expect(surelyWantedWorkers(['qualify', '--workers=2', '--json'])).toBe(2);
    expect(surelyWantedWorkers(['run', '--runs', '20000', '--target', 'sim'])).toBe(defaultWorkers(20_000));
    expect(surelyWantedWorkers(['run', '--runs=20000'])).toBe(defaultWorkers(20_000));
    // The command's own reading: a count with a leading zero is a count.
    expect(surelyWantedWorkers(['run', '--workers', '02'])).toBe(2);
  });

  it('starts none where the command runs in-process, elsewhere or says what is wrong', () => {
    for (const argv of [
      [],
      ['replay', '--workers', '2'],
      ['scenarios'],
      ['run', '--workers', '1'],
      ['run', '--workers', '0'],
      ['run', '--workers', 'two'],
      ['run', '--workers', '999'],
      ['run', '--workers'],
      ['run', '--workers', '2', '--runs', 'many'], // refused by the command
      ['run', '--workers', '2', '--runs'],
      ['run', '--runs', '500'],
      ['run', '--runs', '9999'], // one in-process thread is faster
      ['run'], // the default runs are the command's to say
      ['run', '--target', 'process', '--workers', '2'],
      ['run', '--target=container', '--runs', '20000'],
    ])
      expect(surelyWantedWorkers(argv), argv.join(' ')).toBe(0);
  });

  it('never starts more than the command then uses', () => {
    for (const argv of [
      ['run', '--scenario', 'juju-1.24-gated-api', '--runs', '20000'],
      ['run', '--scenario', 'juju-1.24-gated-api', '--runs', '2000', '--seed', '1'],
      ['run', '--scenario', 'juju-1.24-gated-api', '--runs', '5000', '--workers', '2'],
      ['run', '--json', '--runs', '3000', '--no-corpus'],
    ]) {
      const { values } = parseCommandFlags(argv.slice(1), RUN_FLAGS);
      const scenarios = values.scenario !== undefined ? 1 : 2; // a corpus run explores more than one
      const used = workersFlag(values, scenarios * runsFlag(values));
      const prestarted = surelyWantedWorkers(argv);
      expect(prestarted, argv.join(' ')).toBeLessThanOrEqual(used);
      if (used > 1 && values.scenario !== undefined) expect(prestarted, argv.join(' ')).toBe(used);
    }
  });
});

describe('a pool of prestarted workers', { timeout: 120_000 }, () => {
  const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);

  it('takes them and explores as one thread does', async () => {
    prestartForCommand(['run', '--workers', '2']);
    const pool = new SimPool(2);
    try {
      expect(takePrestartedWorker()).toBeUndefined(); // the pool took both
      const options = { runs: 400, seed: 21 };
      expect(withoutTimings(await exploreOnWorkers(pool, gated, options))).toBe(
        withoutTimings(explore(gated, options)),
      );
    } finally {
      await pool.close();
    }
  });

  it('fails the exploration at once when a worker died before the pool took it', async () => {
    prestartForCommand(['run', '--workers', '2']);
    // The handoff itself (prestart.ts): its workers, ended before any pool takes them.
    const waiting = (globalThis as Record<symbol, PrestartedWorker[]>)[
      Symbol.for('upgrade-chaos.prestarted-sim-workers')
    ]!;
    expect(waiting).toHaveLength(2);
    await Promise.all(waiting.map((w) => w.worker.terminate()));
    expect(waiting.every((w) => w.ended !== undefined)).toBe(true);
    const pool = new SimPool(2);
    try {
      await expect(exploreOnWorkers(pool, gated, { runs: 50, seed: 22 })).rejects.toThrow(/sim worker exited/);
    } finally {
      await pool.close();
    }
  });
});
