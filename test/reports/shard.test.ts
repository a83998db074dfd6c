/**
 * Sharding: `--shard i/n` runs the cases k with k mod n = i - 1 of the same seeded sequence, so n
 * shards run disjoint cases whose union is the unsharded run; `report merge` of their folders gives
 * the unsharded report's verdicts and failures (each shard shrinks the first violation it saw, and
 * the merge keeps the earliest, which is the one the unsharded run shrank).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { cliIn, readSummary, workFolder } from './cli-helpers.ts';
import type { Summary } from '../../reports/summary.ts';
import { NOT_IN_SHARD } from '../../reports/expectation.ts';

/** The body of one testcase of a junit.xml. */
function testcase(junit: string, name: string): string {
  return new RegExp(`<testcase name="${name}"[^>]*?(?:/>|>([\\s\\S]*?)</testcase>)`).exec(junit)![1] ?? '';
}

const work = workFolder('shard');
const cli = cliIn(work.dir);
afterAll(() => work.remove());

describe('--shard i/n', () => {
  it('splits the cases into disjoint slices whose union is the unsharded run', () => {
    const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
    const all = explore(config, { runs: 90, seed: 8, shrink: false });
    const shards = [1, 2, 3].map((index) =>
      explore(config, { runs: 90, seed: 8, shard: { index, count: 3 }, shrink: false }),
    );
    expect(shards.map((r) => r.runs)).toEqual([30, 30, 30]);
    expect(shards.reduce((n, r) => n + r.runs, 0)).toBe(all.runs);
    for (const outcome of all.properties) {
      const parts = shards.map((r) => r.properties.find((p) => p.property === outcome.property)!);
      expect(
        parts.reduce((n, p) => n + (p.violatingRuns ?? 0), 0),
        outcome.property,
      ).toBe(outcome.violatingRuns);
      const firsts = parts.flatMap((p) => (p.firstFailureRun !== undefined ? [p.firstFailureRun] : []));
      expect(firsts.length ? Math.min(...firsts) : undefined, outcome.property).toBe(outcome.firstFailureRun);
      // each shard's first failing run is one of its own cases: run k + 1 with k mod 3 = i - 1
      parts.forEach((p, i) => p.firstFailureRun !== undefined && expect((p.firstFailureRun - 1) % 3).toBe(i));
    }
  });

  it('report merge of the shards gives the unsharded verdicts and failures', async () => {
    const args = ['run', '--scenario', 'juju-1.22-implicit-upgrade', '--runs', '400', '--seed', '5', '--no-corpus'];
    const runs = await Promise.all([
      cli(...args, '--report', 'full'),
      cli(...args, '--shard', '1/2', '--report', 'shard-1'),
      cli(...args, '--shard', '2/2', '--report', 'shard-2'),
    ]);
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(1);
    const merge = await cli('report', 'merge', 'shard-1', 'shard-2', '--out', 'merged');
    expect(merge.exitCode, merge.stderr).toBe(1); // the merged verdict: violated
    const [full, merged] = ['full', 'merged'].map((d) => readSummary(join(work.dir, d))) as [Summary, Summary];
    const [a, b] = [full.scenarios[0]!, merged.scenarios[0]!];
    expect(b.runs).toBe(a.runs);
    expect(b.properties).toEqual(a.properties);
    expect(b.outcomes.map(({ firstFailureMs: _, ...o }) => o)).toEqual(
      a.outcomes.map(({ firstFailureMs: _, ...o }) => o),
    );
    const hashes = (s: typeof a) => s.failures.map((f) => [f.property, f.historyHash, f.path]);
    expect(hashes(b)).toEqual(hashes(a));
    expect(merged.mergedFrom).toBe(2);
    for (const file of ['junit.xml', 'report.html', 'summary.json'])
      expect(existsSync(join(work.dir, 'merged', file)), file).toBe(true);
    for (const f of b.failures)
      expect(existsSync(join(work.dir, 'merged', 'failures', f.id, 'failure.json'))).toBe(true);
  });

  it('refuses to merge reports of different runs, and a bad --shard', async () => {
    await cli('run', '--scenario', 'juju-1.24-gated-api', '--runs', '20', '--seed', '1', '--report', 'seed-1');
    await cli('run', '--scenario', 'juju-1.24-gated-api', '--runs', '20', '--seed', '2', '--report', 'seed-2');
    const merge = await cli('report', 'merge', 'seed-1', 'seed-2', '--out', 'nope');
    expect(merge.exitCode).toBe(2);
    expect(merge.stderr).toMatch(/differ in seed/);
    // Shards of one run, but not all of them, or one twice: a lost CI artifact must not merge green.
    const missing = await cli('report', 'merge', 'shard-1', '--out', 'half');
    expect([missing.exitCode, missing.stderr]).toEqual([2, expect.stringMatching(/missing shard 2\/2/)]);
    const twice = await cli('report', 'merge', 'shard-1', 'shard-1', '--out', 'doubled');
    expect([twice.exitCode, twice.stderr]).toEqual([2, expect.stringMatching(/shard 1\/2 is given twice/)]);
    const unsharded = await cli('report', 'merge', 'full', 'shard-1', '--out', 'mixed');
    expect([unsharded.exitCode, unsharded.stderr]).toEqual([2, expect.stringMatching(/not a shard/)]);
    for (const bad of ['0/2', '3/2', '1/0', 'two'])
      expect((await cli('run', '--shard', bad)).stderr, bad).toMatch(/--shard must look like 2\/4/);
  });

  it('a shard that misses an expected violation passes (another shard may hold it); the merge judges all runs', async () => {
    // Seed 2, two runs: neither shard's one case violates deployments-complete, which the scenario expects.
    const args = ['qualify', '--scenario', 'juju-1.22-implicit-upgrade', '--runs', '2', '--seed', '2'];
    const shards = await Promise.all([1, 2].map((i) => cli(...args, '--shard', `${i}/2`, '--report', `few-${i}`)));
    for (const r of shards) expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    for (const dir of ['few-1', 'few-2']) {
      const s = readSummary(join(work.dir, dir));
      expect(s.verdict).toBe('pass');
      expect(s.scenarios[0]!.mismatches).toEqual([]);
      expect(s.scenarios[0]!.notInShard).toContain('deployments-complete');
      const junit = readFileSync(join(work.dir, dir, 'junit.xml'), 'utf8');
      expect(junit).toMatch(/<testsuites [^>]*failures="0"/);
      expect(testcase(junit, 'deployments-complete')).toContain(NOT_IN_SHARD);
      expect(readFileSync(join(work.dir, dir, 'qualification.md'), 'utf8')).toMatch(/\| ~ held \|/);
    }
    expect(shards[0]!.stdout).toContain(`~ = ${NOT_IN_SHARD}`);
    const merge = await cli('report', 'merge', 'few-1', 'few-2', '--out', 'few-merged');
    expect(merge.exitCode, merge.stdout + merge.stderr).toBe(1);
    const merged = readSummary(join(work.dir, 'few-merged'));
    expect(merged.scenarios[0]!.mismatches).toContain('deployments-complete: expected violated, observed held');
    expect(merged.scenarios[0]!.notInShard).toBeUndefined();
    const junit = readFileSync(join(work.dir, 'few-merged', 'junit.xml'), 'utf8');
    expect(testcase(junit, 'deployments-complete')).toMatch(/<failure /);
  });
});
