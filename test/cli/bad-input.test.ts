/**
 * Bad input as a new user types it: every case gets exactly one line on stderr and exit 2, before
 * anything runs; and the help and version every command answers.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/upgrade-chaos.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const out = mkdtempSync(join(tmpdir(), 'upgrade-chaos-bad-input-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const CLI_TIMEOUT_MS = 60_000;
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: out, timeout: CLI_TIMEOUT_MS });
/** Covers the CLI runs a test waits for one after the other (two at most), each bounded by CLI_TIMEOUT_MS. */
const TEST_TIMEOUT_MS = 2 * CLI_TIMEOUT_MS + 10_000;
const scenarioFile = (name: string, content: object): string => {
  const path = join(out, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};
const valid = {
  name: 'my-team',
  controller: 'juju-1.24',
  client: 'reconnecting',
  versions: ['1.24.2'],
  weights: { deploy: 3, wait: 4 },
  expect: { 'deployments-complete': 'held' },
};
const SCENARIO = ['--scenario', 'juju-1.24-gated-api', '--runs', '5', '--seed', '1'];

describe('bad input: one line, exit 2', { timeout: TEST_TIMEOUT_MS }, () => {
  it.each([
    [
      'a repeated --scenario',
      ['run', '--scenario', 'juju-1.24-gated-api', '--scenario', 'juju-1.22-savvy-script'],
      /--scenario given 2 times/,
    ],
    [
      'a repeated --seed on replay',
      ['replay', '--scenario', 'juju-1.24-gated-api', '--seed', '1', '--seed', '2', '--path', '0'],
      /--seed given 2 times/,
    ],
    ['a repeated --seed', ['run', ...SCENARIO, '--seed', '2'], /--seed given 2 times/],
    [
      '--url on the sim',
      ['run', ...SCENARIO, '--url', 'ws://127.0.0.1:1/model/x/api'],
      /--url applies only to --target external/,
    ],
    [
      '--password on the sim',
      ['run', ...SCENARIO, '--password', 'secret'],
      /--password applies only to --target external/,
    ],
    [
      '--username on the process target',
      ['run', '--target', 'process', ...SCENARIO, '--username', 'u'],
      /--username applies only to --target external/,
    ],
    ['--tls on the sim', ['run', ...SCENARIO, '--tls'], /--tls applies only to --target process or container, not sim/],
    [
      '--time-scale on the sim',
      ['run', ...SCENARIO, '--time-scale', '0.1'],
      /--time-scale applies only to --target process or container or external/,
    ],
    [
      '--shrink-time on the sim (its shrinking is exact and unbounded)',
      ['run', ...SCENARIO, '--shrink-time', '60'],
      /--shrink-time applies only to --target process or container or external, not sim$/,
    ],
    [
      'a --shrink-time that is not a whole number of seconds',
      ['run', ...SCENARIO, '--target', 'process', '--shrink-time', '1.5'],
      /--shrink-time must be an integer, got "1.5"$/,
    ],
    [
      'a --shrink-time of 0',
      ['qualify', '--target', 'process', '--shrink-time', '0'],
      /--shrink-time must be between 1/,
    ],
    [
      '--client-cmd on the sim',
      ['run', ...SCENARIO, '--client-cmd', 'true'],
      /--client-cmd needs a real target: --target process, container or external$/,
    ],
    [
      'a --client-cmd whose interpreter exists and whose script does not',
      ['run', '--target', 'process', ...SCENARIO, '--client-cmd', '/usr/bin/env node /nonexistent.mjs'],
      /--client-cmd "\/usr\/bin\/env node \/nonexistent.mjs": \/nonexistent.mjs does not exist/,
    ],
    [
      'an empty --client-cmd',
      ['run', '--target', 'process', ...SCENARIO, '--client-cmd', ''],
      /--client-cmd must name a program/,
    ],
    [
      'a blank --client-cmd',
      ['run', '--target', 'process', ...SCENARIO, '--client-cmd', '   '],
      /--client-cmd must name a program/,
    ],
    [
      '--property version-as-tested without a tested version',
      ['run', ...SCENARIO, '--property', 'version-as-tested'],
      /version-as-tested needs a tested version/,
    ],
    [
      'a path fast-check cannot replay',
      ['replay', '--scenario', 'juju-1.24-gated-api', '--seed', '1', '--path', '0:99999:99999:99999'],
      /--path 0:99999:99999:99999: no case there/,
    ],
    [
      'a path coverage cannot replay',
      [
        'replay',
        '--scenario',
        'juju-1.24-gated-api',
        '--seed',
        '1',
        '--path',
        '0:99999:99999:99999',
        '--strategy',
        'coverage',
      ],
      /--path 0:99999:99999:99999: no case there/,
    ],
    [
      'a scenario file with "streams": ["banana"]',
      ['run', '--scenario', 'STREAMS', '--runs', '5'],
      /"controllerChanges.streams.0" must be a version/,
    ],
    ['a scenario file with a misspelt key', ['run', '--scenario', 'WEIGTHS', '--runs', '5'], /unknown key "weigths"/],
    ['a scenario file named ../../escape', ['run', '--scenario', 'ESCAPE', '--runs', '5'], /"name" must be letters/],
    [
      'a scenario file with a weight of 1.5',
      ['run', '--scenario', 'FRACTION', '--runs', '5'],
      /"weights.deploy" must be an integer/,
    ],
    [
      'a scenario file with an unknown controller',
      ['run', '--scenario', 'CONTROLLER', '--runs', '5'],
      /scenario file .*controller\.json: "controller": unknown controller profile "juju-9\.9"/,
    ],
  ])('%s', async (_what, args, message) => {
    const files: Record<string, string> = {
      CONTROLLER: scenarioFile('controller.json', { ...valid, controller: 'juju-9.9' }),
      STREAMS: scenarioFile('streams.json', { ...valid, controllerChanges: { streams: ['banana'] } }),
      WEIGTHS: scenarioFile('weigths.json', { ...valid, weigths: { deploy: 1 } }),
      ESCAPE: scenarioFile('escape.json', { ...valid, name: '../../escape' }),
      FRACTION: scenarioFile('fraction.json', { ...valid, weights: { deploy: 1.5 } }),
    };
    const r = await cli(...args.map((a) => files[a] ?? a));
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('--out naming a file is refused before the run, not after it', async () => {
    const file = join(out, 'a-file');
    writeFileSync(file, '');
    const r = await cli(
      'run',
      '--scenario',
      'juju-1.22-implicit-upgrade',
      '--runs',
      '1000000',
      '--seed',
      '1',
      '--out',
      file,
    );
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(/^upgrade-chaos: --out .*a-file is a file, not a folder$/);
  });

  it('--report or --out that is a file, or under one, is refused up front for run, qualify and report merge', async () => {
    const file = join(out, 'a-report-file');
    writeFileSync(file, '');
    const long = ['--runs', '1000000', '--seed', '1'];
    for (const [args, flag, why] of [
      [['run', '--scenario', 'juju-1.24-gated-api', ...long, '--report', file], '--report', 'is a file, not a folder'],
      [['qualify', '--scenario', 'juju-1.24-gated-api', ...long, '--report', file], '--report', 'is a file'],
      [['qualify', ...long, '--out', file], '--out', 'is a file, not a folder'],
      [['report', 'merge', out, '--out', file], '--out', 'is a file, not a folder'],
      [['run', ...SCENARIO, '--report', join(file, 'deeper', 'r')], '--report', `cannot be made: ${file} is a file`],
    ] as const) {
      const r = await cli(...args);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(`upgrade-chaos: ${flag} ${args.at(-1)!} ${why}`);
    }
  });

  it('--report through a dangling symlink, or where no folder can be made (/proc), is refused up front (trial 13)', async () => {
    // existsSync calls a dangling link absent: the runs went ahead and mkdir then threw ENOENT with a
    // stack trace, results lost; under /proc Node's recursive mkdir loops forever.
    const dangling = join(out, 'dangling-report');
    symlinkSync(join(out, 'no-such-folder'), dangling);
    for (const [report, why] of [
      [dangling, `cannot be made: ${dangling} is a symlink to ${join(out, 'no-such-folder')}, which does not exist`],
      [join(dangling, 'r'), `cannot be made: ${dangling} is a symlink to`],
      ['/proc/upgrade-chaos-report', 'cannot be made: /proc cannot hold a folder (ENOENT)'],
      ['/proc/a/b', 'cannot be made: /proc cannot hold a folder'],
    ] as const) {
      const r = await cli('run', ...SCENARIO, '--report', report);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(`upgrade-chaos: --report ${report} ${why}`);
    }
    expect(readdirSync(out).filter((name) => name.startsWith('.upgrade-chaos-probe-'))).toEqual([]);
  });

  it('bad input on a real target exits 2 at once, before a controller server starts (it hung, the server alive)', async () => {
    const held = join(out, 'held-report');
    mkdirSync(held, { recursive: true });
    writeFileSync(join(held, 'summary.json'), '{}');
    const process = ['--target', 'process', ...SCENARIO];
    for (const [args, message] of [
      [['run', ...process, '--report', held], `upgrade-chaos: ${held} already holds a report`],
      [['qualify', ...process, '--report', held], `upgrade-chaos: ${held} already holds a report`],
      [
        [
          'replay',
          '--target',
          'process',
          '--scenario',
          'juju-1.24-gated-api',
          '--seed',
          '1',
          '--path',
          '0',
          '--report',
          held,
        ],
        `upgrade-chaos: ${held} already holds a report`,
      ],
      [['run', ...process, '--report', join(out, 'r'), '--out', join(out, 'o')], '--report and --out both'],
      [['qualify', ...process, '--report', join(out, 'r'), '--out', join(out, 'o')], '--report and --out both'],
    ] as const) {
      const r = await cli(...args);
      expect(r.timedOut, `${args.join(' ')} hung`).toBe(false);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });

  it('a failure file with a misspelt key is refused with the key named, not replayed as something else', async () => {
    const run = await cli('run', '--scenario', 'juju-1.22-implicit-upgrade', '--runs', '50', '--seed', '1', '--json');
    expect(run.exitCode, run.stderr).toBe(1);
    const file = (JSON.parse(run.stdout) as { failures: { file: string }[] }).failures[0]!.file;
    const record = JSON.parse(readFileSync(join(out, file), 'utf8')) as Record<string, unknown>;
    const settings = record['settings'] as Record<string, unknown>;
    for (const [damaged, key] of [
      [{ ...record, pathh: record['path'] }, /unknown key "pathh"/],
      [{ ...record, settings: { ...settings, maxEvent: 3 } }, /settings has unknown key "maxEvent"/],
    ] as const) {
      writeFileSync(join(out, 'misspelt-failure.json'), JSON.stringify(damaged));
      const r = await cli('replay', join(out, 'misspelt-failure.json'));
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(key);
    }
  });

  it('qualify takes several --scenario', async () => {
    const r = await cli(
      'qualify',
      '--scenario',
      'juju-1.24-gated-api',
      '--scenario',
      'juju-1.25-no-implicit-upgrade',
      '--runs',
      '20',
      '--seed',
      '1',
    );
    expect(r.stderr).not.toMatch(/given 2 times/);
    expect(r.stdout).toMatch(/juju-1.25-no-implicit-upgrade/);
  });
});

describe('help and version', { timeout: TEST_TIMEOUT_MS }, () => {
  it.each(['run', 'replay', 'scenarios', 'qualify', 'controller'])(
    '%s --help prints its own usage and exits 0',
    async (command) => {
      const r = await cli(command, '--help');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: upgrade-chaos ${command}`));
      expect(r.stdout.length).toBeGreaterThan(80);
    },
  );

  it('explains target flags only where they apply, as the README does (--tls on process and container too)', async () => {
    const [run, replay, scenarios, show] = await Promise.all([
      cli('run', '--help'),
      cli('replay', '--help'),
      cli('scenarios', '--help'),
      cli('show', '--help'),
    ]);
    for (const r of [run, replay]) {
      expect(r.stdout).toMatch(/^target flags: /m);
      expect(r.stdout).toContain('[--tls] (process, container: clients dial wss://)');
    }
    for (const r of [scenarios, show]) expect(r.stdout).not.toMatch(/target flags|strategies:/);
    // replay takes the overrides a failure's replay line prints
    expect(replay.stdout).toMatch(/\[--controller P\] \[--client P\]/);
    expect(run.stdout).toMatch(/--runs 1000 on the sim, 50 on a real target/);
  });

  it('names every exit code a run can end with, INCONCLUSIVE and NO VERDICT too (as the README does)', async () => {
    const r = await cli('run', '--help');
    expect(r.stdout).toMatch(/exit codes: 0 held \(or NO VERDICT: no run completed\), 1 violated \(or INCONCLUSIVE: /);
    expect(r.stdout).toMatch(/2 bad usage or input, 3 target failed, 130 interrupted/);
  });

  it('scenarios ends by saying how to run them', async () => {
    const r = await cli('scenarios');
    expect(r.stdout.trimEnd().split('\n').slice(-2).join('\n')).toMatch(
      /^Run one: npx upgrade-chaos run --scenario NAME .*\nall: npx upgrade-chaos run /,
    );
  });

  it.each([['--version'], ['-v'], ['run', '--version']])('%s prints the version', async (...args) => {
    const r = await cli(...args);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });
});
