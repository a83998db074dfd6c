/**
 * The failure corpus (`.upgrade-chaos/failures.jsonl`): a run keeps each new failure there, and the
 * next run of that scenario plays it first, whatever seed it draws; --corpus PATH moves it, --no-corpus
 * skips it, an explicit --seed does not play it (that run must be what a fresh machine runs), and an
 * entry plays only against the kind of client that found it. And the vitest test `replay` prints, pasted into a scratch project that installs
 * upgrade-chaos, fails with the same counterexample.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn, readSummary, workFolder } from './cli-helpers.ts';

const ROOT = join(import.meta.dirname, '../..');
const work = workFolder('corpus');
const cli = cliIn(work.dir);
afterAll(() => work.remove());

/** What a --json result found, without what measures time or names this invocation's folders. */
const failuresOf = (stdout: string) =>
  (JSON.parse(stdout) as { failures: Record<string, unknown>[] }).failures.map((f) => [
    f['property'],
    f['seed'],
    f['path'],
    f['historyHash'],
    f['shrunkOn'],
  ]);

describe('the failure corpus', () => {
  it('keeps new failures and plays them first on the next run of the scenario, whatever seed it draws', async () => {
    const args = ['run', '--scenario', 'juju-1.22-implicit-upgrade', '--property', 'watchers-resume'];
    const first = await cli(...args, '--runs', '300', '--seed', '1', '--report', 'first');
    expect(first.exitCode).toBe(1);
    const corpus = join(work.dir, '.upgrade-chaos', 'failures.jsonl');
    const lines = readFileSync(corpus, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ property: 'watchers-resume', format: 'upgrade-chaos-failure/2' });

    // one run, at a seed it draws: the corpus entry fails again before any case is drawn
    const second = await cli(...args, '--runs', '1', '--report', 'second');
    expect(second.exitCode).toBe(1);
    const s = readSummary(join(work.dir, 'second')).scenarios[0]!;
    expect(s.failures[0]).toMatchObject({ property: 'watchers-resume', shrunkOn: 'none' });
    expect(second.stdout).toMatch(/Not shrunk \(from the failure corpus\)/);
    const sameCase = (line: string) => {
      const [a, b] = [JSON.parse(line), JSON.parse(lines[0]!)];
      return a.simSeed === b.simSeed && JSON.stringify(a.plan) === JSON.stringify(b.plan);
    };
    // not added twice (the one case drawn may have added a failure of its own)
    expect(readFileSync(corpus, 'utf8').trim().split('\n').filter(sameCase)).toHaveLength(1);

    const skipped = await cli(...args, '--seed', '2', '--runs', '1', '--no-corpus', '--json');
    expect(JSON.parse(skipped.stdout).failures.filter((f: { shrunkOn: string }) => f.shrunkOn === 'none')).toEqual([]);
    // An explicit --seed reproduces a run: the corpus is not played, the result is a fresh machine's.
    // As many as the corpus holds now: the run at a drawn seed above may have added one of its own.
    const kept = readFileSync(corpus, 'utf8').trim().split('\n').length;
    const seeded = await cli(...args, '--seed', '2', '--runs', '20', '--json');
    const fresh = await cli(...args, '--seed', '2', '--runs', '20', '--no-corpus', '--json');
    expect(seeded.exitCode).toBe(fresh.exitCode);
    expect(failuresOf(seeded.stdout)).toEqual(failuresOf(fresh.stdout));
    expect(seeded.stderr).toContain(
      `${kept} failure-corpus ${kept === 1 ? 'entry' : 'entries'} of juju-1.22-implicit-upgrade not replayed: --seed reproduces`,
    );
    const elsewhere = await cli(...args, '--runs', '300', '--seed', '1', '--corpus', 'my/corpus.jsonl', '--json');
    expect(elsewhere.exitCode).toBe(1);
    expect(existsSync(join(work.dir, 'my', 'corpus.jsonl'))).toBe(true);
  });
});

describe('a run where only failure-corpus entries ran', () => {
  // As after an early Ctrl-C: the entries are played, then no case of the exploration completes
  // (here, deterministically, shard 2 of 2 of a single case). Every report must say the same.
  it('reports the property an entry violated as violated, in summary.json, --json, JUnit and on the console', async () => {
    const scenario = ['--scenario', 'juju-1.22-implicit-upgrade', '--corpus', 'only-corpus.jsonl'];
    const first = await cli(
      'run',
      ...scenario,
      '--property',
      'watchers-resume',
      '--runs',
      '300',
      '--seed',
      '1',
      '--json',
    );
    expect(first.exitCode).toBe(1);
    const nothingRuns = [...scenario, '--runs', '1', '--shard', '2/2'];
    const run = await cli('run', ...nothingRuns, '--report', 'only-corpus');
    expect(run.exitCode, run.stderr).toBe(1);
    const s = readSummary(join(work.dir, 'only-corpus')).scenarios[0]!;
    expect(s.runs).toBe(0);
    const verdicts = Object.fromEntries(s.properties.map((p) => [p.property, p.verdict]));
    expect(verdicts['watchers-resume']).toBe('violated');
    expect(s.outcomes.find((o) => o.property === 'watchers-resume')).toMatchObject({ verdict: 'violated' });
    expect(s.notes).toEqual(['1 failure-corpus entry failed again, played before the 0 runs']);
    const junit = readFileSync(join(work.dir, 'only-corpus', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase name="watchers-resume"[^>]*>\s*<failure message="watchers-resume violated/);
    expect(run.stdout).toMatch(/: FAIL: watchers-resume violated — 0 runs,/);
    expect(run.stdout).toContain('note: 1 failure-corpus entry failed again, played before the 0 runs');

    const json = JSON.parse((await cli('run', ...nothingRuns, '--json')).stdout);
    expect(json.properties).toContainEqual({ property: 'watchers-resume', verdict: 'violated', unknownRuns: 0 });
  });
});

describe('failure-corpus entries and the client that found them', { timeout: 120_000 }, () => {
  // --runs 1 --shard 2/2 runs no case of its own: only what the corpus plays runs.
  const noCase = ['--scenario', 'juju-1.22-implicit-upgrade', '--runs', '1', '--shard', '2/2'];
  const NAIVE = `node ${JSON.stringify(join(ROOT, 'scenarios/clients/naive.mjs'))}`;

  it('replays an entry only against the client that found it (profile, or program by command line), and says on stderr what it left out', async () => {
    const corpus = ['--corpus', 'by-client.jsonl'];
    const found = ['--scenario', 'juju-1.22-implicit-upgrade', '--property', 'watchers-resume', '--runs', '300'];
    expect((await cli('run', ...found, '--seed', '1', ...corpus, '--json')).exitCode).toBe(1);
    const builtIn = readFileSync(join(work.dir, 'by-client.jsonl'), 'utf8').trim().split('\n');
    expect(builtIn).toHaveLength(1);

    const program = await cli('run', ...noCase, '--target', 'process', '--client-cmd', NAIVE, ...corpus, '--json');
    expect(program.exitCode, program.stderr).toBe(0);
    expect(JSON.parse(program.stdout).failures).toEqual([]);
    expect(program.stderr).toContain(
      '1 failure-corpus entry of juju-1.22-implicit-upgrade not replayed: found with client profile deployer-naive, ' +
        `and this run's client is --client-cmd ${JSON.stringify(NAIVE)} (an entry replays only against the client that found it`,
    );

    // The other way round: an entry a program found is not played against the built-in client.
    const entry = JSON.parse(builtIn[0]!);
    entry.settings.target = { name: 'process', clientCommand: NAIVE };
    writeFileSync(join(work.dir, 'by-program.jsonl'), JSON.stringify(entry) + '\n');
    const profile = await cli('run', ...noCase, '--corpus', 'by-program.jsonl', '--json');
    expect(profile.exitCode, profile.stderr).toBe(0);
    expect(profile.stderr).toContain(
      `1 failure-corpus entry of juju-1.22-implicit-upgrade not replayed: found with --client-cmd ${JSON.stringify(NAIVE)}, ` +
        "and this run's client is client profile deployer-naive",
    );
    // Nor against another program: a command line with other arguments is another program.
    const other = await cli(
      'run',
      ...noCase,
      '--target',
      'process',
      '--client-cmd',
      `${NAIVE} --tight-retry`,
      '--corpus',
      'by-program.jsonl',
      '--json',
    );
    expect(other.exitCode, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout).failures).toEqual([]);
    expect(other.stderr).toContain(
      `1 failure-corpus entry of juju-1.22-implicit-upgrade not replayed: found with --client-cmd ${JSON.stringify(NAIVE)}, ` +
        `and this run's client is --client-cmd ${JSON.stringify(`${NAIVE} --tight-retry`)}`,
    );
    // Played by the client that found it, it fails again.
    const same = await cli('run', ...noCase, ...corpus, '--json');
    expect(same.exitCode).toBe(1);
    expect(same.stderr).not.toMatch(/not replayed/);
  });
});

const VITEST_TIMEOUT_MS = 120_000;

// The scratch vitest's own bound (and the two CLI runs before it), not vitest's 60 s default.
describe("replay's vitest test", { timeout: VITEST_TIMEOUT_MS + 60_000 }, () => {
  it('fails when pasted into a scratch project that installs upgrade-chaos', async () => {
    const run = await cli(
      ...['run', '--scenario', 'juju-1.22-implicit-upgrade', '--property', 'watchers-resume', '--runs', '300'],
      ...['--seed', '1', '--no-corpus', '--json'],
    );
    const failure = JSON.parse(run.stdout).failures[0];
    const replay = await cli('replay', join(work.dir, failure.file));
    const test = /paste it into your project\):\n\n([\s\S]*?\n}\);)/.exec(replay.stdout)?.[1];
    expect(test, replay.stdout).toBeDefined();

    const project = join(work.dir, 'scratch');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    symlinkSync(ROOT, join(project, 'node_modules', 'upgrade-chaos'), 'dir');
    for (const dep of ['vitest', 'fast-check'])
      symlinkSync(join(ROOT, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
    writeFileSync(join(project, 'upgrade.test.ts'), test!);
    const vitest = await execa(join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--root', project], {
      cwd: project,
      reject: false,
      timeout: VITEST_TIMEOUT_MS,
    });
    const output = vitest.stdout + vitest.stderr;
    expect(vitest.exitCode, output).toBe(1);
    expect(output).toMatch(/1 failed/);
    expect(output).toMatch(/Property failed after 1 tests/);
    expect(output).toContain(`seed: 1, path: "${failure.path}", endOnFailure: true`);
    expect(output).toMatch(/watchers-resume/);
  });
});
