import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');
const out = mkdtempSync(join(tmpdir(), 'upgrade-chaos-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: out });

describe('upgrade-chaos CLI', () => {
  it('run --scenario juju-1.22-implicit-upgrade --json prints one JSON object and exits 1', async () => {
    const r = await cli('run', '--scenario', 'juju-1.22-implicit-upgrade', '--runs', '500', '--seed', '1', '--json');
    expect(r.exitCode).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'scenario',
        'target',
        'runs',
        'seed',
        'verdict',
        'runsPerSecond',
        'elapsedMs',
        'failures',
      ]),
    );
    expect(result).toMatchObject({ scenario: 'juju-1.22-implicit-upgrade', target: 'sim', seed: 1, verdict: 'fail' });
    const failure = result.failures.find((f: { property: string }) => f.property === 'watchers-resume');
    expect(Object.keys(failure)).toEqual(
      expect.arrayContaining(['property', 'seed', 'path', 'events', 'shrunkEvents', 'plan', 'historyHash']),
    );
    expect(failure.shrunkEvents).toBeLessThanOrEqual(5);

    const replay = await cli(
      'replay',
      '--scenario',
      'juju-1.22-implicit-upgrade',
      '--property',
      failure.property,
      '--seed',
      '1',
      '--path',
      failure.path,
      '--json',
    );
    expect(replay.exitCode).toBe(1);
    expect(JSON.parse(replay.stdout).failures[0].historyHash).toBe(failure.historyHash);

    // the saved failure file replays too
    expect(failure.file).toMatch(
      /^upgrade-chaos-results\/juju-1.22-implicit-upgrade\/[^/]+\/failures\/[^/]+\/failure.json$/,
    );
    const fromFile = await cli('replay', join(out, failure.file), '--json');
    expect(JSON.parse(fromFile.stdout)).toMatchObject({
      historyHash: failure.historyHash,
      expectedHistoryHash: failure.historyHash,
    });
  });

  it('--stop-on-failure runs no case after the first failing one, and shrinks that one', async () => {
    const args = ['run', '--scenario', 'juju-1.22-implicit-upgrade', '--property', 'watchers-resume'];
    const common = [...args, '--runs', '300', '--seed', '1', '--no-corpus', '--json'];
    const all = JSON.parse((await cli(...common)).stdout) as {
      runs: number;
      failures: { seed: number; path: string }[];
    };
    const stopped = await cli(...common, '--stop-on-failure');
    expect(stopped.exitCode, stopped.stderr).toBe(1);
    const first = JSON.parse(stopped.stdout) as typeof all;
    expect(all.runs).toBe(300);
    // The first failing case in case order is the last one run; its shrunk failure is the same.
    expect(first.runs).toBeLessThan(all.runs);
    expect(first.runs).toBe(Number(first.failures[0]!.path.split(':')[0]) + 1);
    const shown = (f: Record<string, unknown>) => [f.path, f.historyHash, f.shrunkEvents];
    expect(shown(first.failures[0]!)).toEqual(shown(all.failures[0]!));
  });

  it('a passing run exits 0 and says runs, seed and speed', async () => {
    const r = await cli('run', '--scenario', 'juju-1.24-gated-api', '--runs', '200', '--seed', '7');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/PASS.*200 runs, seed 7, \d+ runs\/s/);
  });

  it('a failing run prints the property, the numbered shrunk plan, a timeline and the replay command', async () => {
    const r = await cli(
      'run',
      '--scenario',
      'juju-1.22-implicit-upgrade',
      '--runs',
      '200',
      '--seed',
      '1',
      '--property',
      'watchers-resume',
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/✗ watchers-resume violated/);
    expect(r.stdout).toMatch(/^ {3}\d\. \[t=0ms\] bootstrap$/m); // numbered, with its time
    expect(r.stdout).toMatch(/Timeline:\n[\s\S]*controller/);
    expect(r.stdout).toMatch(
      /Replay: npx upgrade-chaos replay --scenario juju-1.22-implicit-upgrade --property watchers-resume --seed 1 --path "[\d:]+"/,
    );
  });

  it('run with no scenario runs the corpus, compares expectations and exits 0', async () => {
    const r = await cli('run', '--runs', '300', '--seed', '5');
    expect(r.stdout).toMatch(/All verdicts match/);
    expect(r.exitCode).toBe(0);
    // A scenario whose violations are all expected does not say FAIL when the run passes.
    expect(r.stdout).toMatch(/^juju-1.22-implicit-upgrade on sim: AS EXPECTED: .* violated — 300 runs/m);
    expect(r.stdout).not.toMatch(/ on sim: FAIL: /);
  });

  it('scenarios lists each scenario with its expected verdicts', async () => {
    const r = await cli('scenarios');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/juju-1.22-implicit-upgrade[\s\S]*no-work-before-upgrade\s+expected violated/);
    expect(r.stdout).toMatch(/juju-1.24-gated-api[\s\S]*watchers-resume\s+expected held/);
  });

  it.each([
    [['run', '--runs', '-5'], /--runs must be between 1/],
    [['run', '--scenario', 'nope'], /unknown scenario "nope" \(known: .*juju-1.22-implicit-upgrade/],
    [
      ['replay', '--scenario', 'juju-1.22-implicit-upgrade', '--seed', '1', '--path', 'garbage'],
      /--path must look like/,
    ],
    [['run', '--bogus'], /Unknown option '--bogus'/],
    [['run', '--property', 'nope'], /unknown property "nope"/],
    [['run', '--client', 'nope'], /unknown client profile "nope"/],
    [['run', '--max-events', '0'], /--max-events must be between 1/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['replay', 'no-such-file.json'], /cannot read failure file/],
  ])('bad input %j exits 2 with a one-line error', async (args, message) => {
    const r = await cli(...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a corrupt replay file exits 2 naming what is wrong', async () => {
    const file = join(out, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'upgrade-chaos-failure/1',
        scenario: 'juju-1.24-gated-api',
        controller: 'juju-1.24',
        client: 'reconnecting',
        property: 'watchers-resume',
        simSeed: 1,
        plan: [{ kind: 'teleport' }],
      }),
    );
    const r = await cli('replay', file);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/failure file .*bad\.json: format: .*upgrade-chaos-failure\/2/);
    writeFileSync(file, '{not json');
    expect((await cli('replay', file)).stderr).toMatch(/is not JSON/);
  });
});
