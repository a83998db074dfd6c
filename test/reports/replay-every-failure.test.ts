/**
 * Exact reproduction: every failure the sim corpus produces, replayed from its saved file, gives the
 * recorded history hash, also for scenarios with controller changes (a pinned agent-version,
 * upload-tools) and for a scenario file that is gone by the time of the replay: the file carries the
 * whole scenario. The replays run in-process (replayCommand), as the CLI runs them.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCommand } from '../../harness/cli/replay-command.ts';
import { createLogger } from '../../harness/log.ts';
import { cliIn, readSummary, workFolder } from './cli-helpers.ts';
import type { SummaryFailure } from '../../reports/summary.ts';

const work = workFolder('replay-all');
const cli = cliIn(work.dir);
afterAll(() => work.remove());
let failures: { dir: string; scenario: string; failure: SummaryFailure }[] = [];

const MY_SCENARIO = {
  name: 'my-team-pinned',
  controller: 'juju-1.22',
  client: 'deployer-naive',
  versions: ['1.22.3'],
  weights: { deploy: 3, wait: 4, upgrade: 2 },
  expect: { 'watchers-resume': 'held', 'deployments-complete': 'held' },
  controllerChanges: { agentVersionPin: '1.22.1' },
};

beforeAll(async () => {
  const corpus = join(work.dir, 'corpus');
  const r = await cli('run', '--runs', '300', '--seed', '11', '--no-corpus', '--report', corpus);
  expect(r.exitCode, r.stderr).toBe(0);
  const file = join(work.dir, 'my-scenario.json');
  writeFileSync(file, JSON.stringify(MY_SCENARIO));
  const mine = join(work.dir, 'mine');
  const m = await cli('run', '--scenario', file, '--runs', '300', '--seed', '3', '--no-corpus', '--report', mine);
  expect(m.exitCode, m.stderr).toBe(1);
  rmSync(file); // the failure file must not need it
  failures = [corpus, mine].flatMap((dir) =>
    readSummary(dir).scenarios.flatMap((s) => s.failures.map((failure) => ({ dir, scenario: s.scenario, failure }))),
  );
}, 240_000);

describe('replay FILE', () => {
  it('reproduces the recorded history hash for every failure the corpus produces', async () => {
    const scenarios = new Set(failures.map((f) => f.scenario));
    expect(failures.length).toBeGreaterThan(15);
    for (const name of ['juju-1.22-pinned-agent-version', 'juju-1.22-upgrade-upload-tools', 'my-team-pinned'])
      expect(scenarios.has(name), name).toBe(true);
    const log = createLogger('silent');
    for (const { dir, failure } of failures) {
      const lines: string[] = [];
      const file = join(dir, 'failures', failure.id, 'failure.json');
      const code = await replayCommand([file, '--json'], { out: (t) => lines.push(t), log });
      const replayed = JSON.parse(lines.join(''));
      expect(code, failure.id).toBe(1);
      expect(replayed.historyHash, failure.id).toBe(failure.historyHash);
      expect(replayed.expectedHistoryHash, failure.id).toBe(failure.historyHash);
    }
  });
});
