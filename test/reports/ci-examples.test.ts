/**
 * The README's nightly examples (a GitHub Actions matrix with a merge job, a Kubernetes Indexed Job
 * with a merge Job) are run here as written, with fewer runs: every shard's command line, then the
 * merge, whose report must equal the unsharded `qualify`. A flag renamed, a placeholder the CLI
 * refuses or a merge that loses cases fails this test before it fails someone's nightly.
 */
import { readFileSync, renameSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliIn, readSummary, workFolder } from './cli-helpers.ts';
import type { Summary } from '../../reports/summary.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const RUNS = '8';

/** The fenced yaml blocks of the README, in order. */
function yamlBlocks(): string[] {
  return [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** The upgrade-chaos command lines of a block, as the shell would get them, with fewer runs. */
function commandLines(block: string): string[] {
  return block
    .split('\n')
    .filter((line) => line.includes('npx upgrade-chaos'))
    .map((line) =>
      line
        .replace(/^\s*-\s*(run:\s*)?/, '')
        .replace('npx upgrade-chaos', `node ${BIN}`)
        .replace(/--runs \d+/, `--runs ${RUNS}`),
    );
}

function sh(command: string, cwd: string, env: Record<string, string> = {}) {
  return execa('sh', ['-c', command], { cwd, env, reject: false });
}

function comparable(summary: Summary) {
  return summary.scenarios.map((s) => ({
    scenario: s.scenario,
    runs: s.runs,
    properties: s.properties,
    failures: s.failures.map((f) => [f.property, f.historyHash, f.path]),
  }));
}

const work = workFolder('ci-examples');
afterAll(() => work.remove());

/** The unsharded qualify both examples must reproduce, at the seed each example uses. */
async function unsharded(seed: string, dir: string): Promise<{ exitCode: number; summary: Summary }> {
  const run = await cliIn(work.dir)('qualify', '--runs', RUNS, '--seed', seed, '--report', dir);
  return { exitCode: run.exitCode ?? -1, summary: readSummary(join(work.dir, dir)) };
}

/** Each claimed property a report judged against its expectation, per scenario. */
const mismatched = (s: Summary): string[] =>
  s.scenarios.flatMap((x) => x.mismatches.map((m) => `${x.scenario} ${m.split(':')[0]}`));

/**
 * A shard fails (exit 1) exactly when its report lists a mismatch, and only for what the unsharded
 * run fails for too: an expected violation it did not see is not one (another shard may hold it).
 */
function expectShardJudged(run: { exitCode?: number; stderr: string }, dir: string, full: Summary): void {
  const own = mismatched(readSummary(dir));
  expect(run.exitCode, run.stderr).toBe(own.length > 0 ? 1 : 0);
  for (const m of own) expect(mismatched(full)).toContain(m);
}

describe('README nightly examples', () => {
  const [actions, kubernetes] = yamlBlocks().filter((b) => b.includes('upgrade-chaos'));

  it('the GitHub Actions matrix and merge job give the unsharded qualify', async () => {
    const dir = join(work.dir, 'actions');
    mkdirSync(join(dir, 'shards'), { recursive: true });
    const [qualify, merge] = commandLines(actions!);
    const shards = JSON.parse(/matrix: \{ shard: (\[[\d, ]+\]) \}/.exec(actions!)![1]!) as number[];
    const runNumber = '7';
    const runs = await Promise.all(
      shards.map((shard) =>
        sh(
          qualify!.replaceAll('${{ matrix.shard }}', String(shard)).replace('${{ github.run_number }}', runNumber),
          dir,
        ),
      ),
    );
    // upload-artifact of out/shard-N, then download-artifact of shard-* into shards/
    for (const shard of shards) renameSync(join(dir, 'out', `shard-${shard}`), join(dir, 'shards', `shard-${shard}`));
    const merged = await sh(merge!, dir);
    const full = await unsharded(runNumber, 'actions-full');
    shards.forEach((shard, i) => expectShardJudged(runs[i]!, join(dir, 'shards', `shard-${shard}`), full.summary));
    expect(merged.exitCode, merged.stderr).toBe(full.exitCode);
    expect(comparable(readSummary(join(dir, 'merged')))).toEqual(comparable(full.summary));
  });

  it('the Kubernetes Indexed Job and merge Job give the unsharded qualify', async () => {
    const results = join(work.dir, 'results');
    mkdirSync(results, { recursive: true });
    const [qualify, merge] = commandLines(kubernetes!).map((c) => c.replaceAll('/results', results));
    const completions = Number(/completions: (\d+)/.exec(kubernetes!)![1]);
    const seed = /name: SEED, value: '(\d+)'/.exec(kubernetes!)![1]!;
    const runs = await Promise.all(
      Array.from({ length: completions }, (_, index) =>
        sh(qualify!, work.dir, { JOB_COMPLETION_INDEX: String(index), SEED: seed }),
      ),
    );
    const merged = await sh(merge!, work.dir);
    const full = await unsharded(seed, 'kubernetes-full');
    runs.forEach((r, i) => expectShardJudged(r, join(results, `shard-${i + 1}`), full.summary));
    expect(merged.exitCode, merged.stderr).toBe(full.exitCode);
    expect(comparable(readSummary(join(results, 'merged')))).toEqual(comparable(full.summary));
  });
});
