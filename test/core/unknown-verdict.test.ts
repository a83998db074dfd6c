/**
 * A run cut short by its deadlines reads as unknown, end to end: the closing sequence records that
 * quiescence was not reached, the properties that need it say unknown, exploration counts it, the
 * console and --json show it, and qualify counts it as not matching an expected `held`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { explore } from '../../harness/explore.ts';
import { firstUnknownCase } from '../../harness/explore-result.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import type { Scenario } from '../../harness/scenario.ts';
import { formatSummary } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import { formatQualifyMatrix } from '../../reports/qualify-matrix.ts';
import { matches, qualifyScenario, qualifyVerdict } from '../../reports/qualify-report.ts';
import { scenarioByName } from '../../scenarios/index.ts';

/** The gated 1.24 controller, whose implicit upgrade takes longer than these deadlines allow. */
const gated = scenarioByName('juju-1.24-gated-api')!;
const hurried: Scenario = {
  ...gated,
  name: 'hurried',
  deadlines: { ...gated.deadlines, deployMs: 1000, resumeMs: 1000 },
  expect: { 'no-lost-work': 'held' },
};

describe('unknown verdicts', () => {
  it('a run whose upgrade outlasts the deadlines records quiet: reached false, and the properties say unknown', () => {
    const config = resolveRun(hurried, { properties: ['no-lost-work', 'watchers-resume', 'requests-settle'] });
    const run = runSim(config, [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 1 }], 0);
    expect(run.history.find((r) => r.type === 'quiet')).toMatchObject({ reached: false });
    expect(run.unknown.map((u) => u.property)).toEqual(['no-lost-work', 'watchers-resume']);
    expect(run.unknown[0]?.reason).toMatch(/never reached quiescence/);
  });

  it('exploration, console, JSON and qualify report it, and qualify counts it as a mismatch', () => {
    const config = resolveRun(hurried);
    const result = explore(config, { runs: 40, seed: 1 });
    expect(result.verdict).toBe('pass'); // nothing violated: the exit code of run stays 0
    const outcome = result.properties[0]!;
    expect(outcome).toMatchObject({ property: 'no-lost-work', verdict: 'unknown', violated: false });
    expect(outcome.unknownRuns).toBeGreaterThan(0);
    // The first unknown run is named, and replaying it (seed and path) gives an unknown again.
    const first = firstUnknownCase(result.seed, outcome)!;
    expect(first).toEqual({ property: 'no-lost-work', seed: 1, path: String(outcome.firstUnknownRun! - 1) });
    const [plan, simSeed] = caseAtPath(config, { seed: first.seed, path: first.path });
    expect(runSim(config, plan, simSeed).unknown.map((u) => u.property)).toContain('no-lost-work');
    expect(formatSummary(result)).toContain(
      `  first in run ${outcome.firstUnknownRun}: --seed 1 --path "${outcome.firstUnknownRun! - 1}"`,
    );

    expect(formatSummary(result)).toMatch(/PASS: no property violated, 1 could not be judged/);
    expect(formatSummary(result)).toMatch(
      /\? no-lost-work unknown in \d+ of 40 runs: the run never reached quiescence/,
    );
    expect(runJson(result, (c) => `replay ${c.property} ${c.seed} ${c.path}`).properties).toEqual([
      {
        property: 'no-lost-work',
        verdict: 'unknown',
        unknownRuns: outcome.unknownRuns,
        unknownReason: expect.any(String),
        firstUnknownRun: outcome.firstUnknownRun,
        unknownReplay: `replay no-lost-work 1 ${outcome.firstUnknownRun! - 1}`,
      },
    ]);

    const qualified = qualifyScenario(config, result, () => '');
    expect(qualified.properties[0]).toMatchObject({ expected: 'held', observed: 'unknown', reason: /quiescence/ });
    expect(matches(qualified.properties[0]!)).toBe(false);
    expect(qualifyVerdict([qualified])).toBe('fail');
    const matrix = formatQualifyMatrix({
      verdict: 'fail',
      target: 'sim',
      strategy: 'random',
      runs: 40,
      seed: 1,
      scenarios: [qualified],
    });
    expect(matrix).toMatch(/✗ unknown/);
    expect(matrix).toMatch(/hurried × no-lost-work: expected held, observed unknown after 40 runs: the run never/);
  });
});

describe('unknown verdicts from the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-unknown-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');
  const file = join(dir, 'hurried.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'hurried',
      controller: 'juju-1.24',
      client: 'reconnecting',
      clients: 1,
      versions: ['1.24.2'],
      weights: { deploy: 3, wait: 1 },
      deadlines: { deployMs: 1000, resumeMs: 1000 },
      expect: { 'no-lost-work': 'held' },
    }),
  );

  it('qualify exits 1 and its JSON says observed unknown, with the reason', async () => {
    const r = await execa('node', [BIN, 'qualify', '--scenario', file, '--runs', '30', '--seed', '1', '--json'], {
      reject: false,
      cwd: dir,
    });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe('fail');
    expect(report.scenarios[0].properties['no-lost-work']).toMatchObject({
      expected: 'held',
      observed: 'unknown',
      reason: expect.stringMatching(/quiescence/),
    });
  });

  it('run --json gives each property its verdict; run exits 0 when nothing was violated', async () => {
    const r = await execa('node', [BIN, 'run', '--scenario', file, '--runs', '30', '--seed', '1', '--json'], {
      reject: false,
      cwd: dir,
    });
    expect(r.exitCode).toBe(0);
    const [property] = JSON.parse(r.stdout).properties;
    expect(property).toMatchObject({ property: 'no-lost-work', verdict: 'unknown', unknownRuns: expect.any(Number) });
    // The first unknown run's replay line, ready to paste, as a violation's
    expect(property.unknownReplay).toBe(
      `npx upgrade-chaos replay --scenario ${file} --property no-lost-work --seed 1 --path "${property.firstUnknownRun - 1}"`,
    );
  });
});
