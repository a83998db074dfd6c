/** `run --strategy S` prints replay commands that carry the strategy, and they replay the same history. */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');
const dir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-strategy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: dir });

describe.each(['coverage'])('run --strategy %s', (strategy) => {
  it('replays each failure from the printed command', async () => {
    const run = await cli(
      'run',
      '--scenario',
      'juju-1.22-pinned-agent-version',
      '--strategy',
      strategy,
      '--runs',
      '200',
      '--seed',
      '3',
      '--property',
      'watchers-resume',
      '--no-corpus', // both strategies run in one folder: keep the other's failures out
      '--json',
    );
    expect(run.exitCode).toBe(1);
    const [failure] = JSON.parse(run.stdout).failures;
    expect(failure.replay).toContain(`--strategy ${strategy}`);
    const args = failure.replay
      .replace(/^npx upgrade-chaos /, '')
      .match(/"[^"]*"|\S+/g)
      .map((a: string) => a.replace(/"/g, ''));
    const replay = await cli(...args, '--json');
    expect(replay.exitCode).toBe(1);
    expect(JSON.parse(replay.stdout).historyHash).toBe(failure.historyHash);
  });
});
