/**
 * A --client-cmd program's start-up and its own retry timers run in real seconds, which a time
 * scale magnifies in model time: at 0.02, node's start-up alone outlasted Juju 1.22's implicit
 * upgrade, and the naive example script "survived" the bootstrap race in 10 of 10 runs. With a
 * program, the default time scale is CLIENT_COMMAND_TIME_SCALE, at which the race is played: the
 * naive script, told to deploy right after bootstrap, deploys during the upgrade.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn, workFolder } from '../reports/cli-helpers.ts';

const work = workFolder('client-command-time-scale');
afterAll(work.remove);
const cli = cliIn(work.dir);

describe('--client-cmd without --time-scale', () => {
  it(
    'plays the bootstrap race: the naive script is caught deploying during the upgrade',
    { timeout: 180_000 },
    async () => {
      const r = await cli(
        ...[
          'run',
          '--target',
          'process',
          '--scenario',
          'juju-1.22-implicit-upgrade',
          '--property',
          'no-work-before-upgrade',
        ],
        // One fixed case: at seed 104 with --max-events 3 it is [bootstrap, deploy mysql -n 3] (a
        // program's plans have client-0's events only; removals are the operator's). Shrinking it says
        // nothing here: how far 5 s of it gets (units 3 -> 1) depends on the machine's speed.
        ...['--client-cmd', `node ${process.cwd()}/scenarios/clients/naive.mjs`, '--runs', '1', '--seed', '104'],
        ...['--max-events', '3', '--shrink-time', '5', '--no-corpus', '--json'],
      );
      expect(r.exitCode, r.stderr).toBe(1);
      const result = JSON.parse(r.stdout);
      expect(result.failures.map((f: { property: string }) => f.property)).toEqual(['no-work-before-upgrade']);
      expect(result.failures[0].plan).toEqual([
        { kind: 'bootstrap' },
        { kind: 'deploy', client: 0, app: 'mysql', units: expect.any(Number) },
      ]);
      // No --time-scale in the replay either: it gets the same default.
      expect(result.failures[0].replay).not.toMatch(/--time-scale/);
    },
  );
});
