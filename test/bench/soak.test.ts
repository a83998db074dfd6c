/**
 * `npm run soak`, run small, as a nightly job runs it: it plays cases on the process target, samples
 * the harness and the server (memory, descriptors, child processes) and writes every sample to
 * --json. Whether anything grew is not asserted on so short a run (a cold start grows); the ten-
 * minute figures are in the README.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'upgrade-chaos-soak-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run soak', () => {
  it('samples the harness and the server while the process target runs, and writes every sample', async () => {
    const json = join(work, 'soak.json');
    const r = await execa('npm', ['run', 'soak', '--', '--minutes', '0.25', '--sample-seconds', '4', '--json', json], {
      cwd: ROOT,
      reject: false,
      timeout: 180_000,
    });
    expect(r.exitCode, r.stderr).toBeLessThan(2); // 0 nothing grew, 1 something did
    expect(r.stdout).toMatch(/^start: \{/m);
    expect(r.stdout).toMatch(/^end: {3}\{/m);
    const soak = JSON.parse(readFileSync(json, 'utf8')) as { runs: number; samples: Record<string, number>[] };
    expect(soak.runs).toBeGreaterThan(0);
    expect(soak.samples.length).toBeGreaterThanOrEqual(2);
    for (const sample of soak.samples) {
      for (const column of ['harnessRssMb', 'harnessHeapMb', 'harnessFds', 'serverRssMb', 'serverFds'])
        expect(sample[column], column).toBeGreaterThan(0);
      expect(sample['children'], 'no more processes than at the start: none left by a run').toBeLessThanOrEqual(
        soak.samples[0]!['children']!,
      );
    }
  }, 240_000);
});
