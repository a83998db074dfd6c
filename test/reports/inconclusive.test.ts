/**
 * A property judged in no run is no evidence that it holds: the run is INCONCLUSIVE (summary.json
 * verdict `inconclusive`, exit 1), not a PASS (trial 11: a python-libjuju program dialling wss:// at
 * the ws:// juju-1.24 controller never logged in, deployments-complete was unknown in 2 of 2 runs,
 * and the run said "PASS ..., 1 could not be judged" and exited 0). Unknown in SOME runs stays a pass
 * (a loaded machine's stalled deadlines), and properties the target can never judge do not count.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import type { ExploreResult } from '../../harness/explore-result.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { CONTROLLER_NOT_OBSERVED } from '../../properties/common.ts';
import { formatClientVerdict, formatSummary } from '../../reports/console.ts';
import { judgedInNoRun, programRanInNoRun } from '../../reports/inconclusive.ts';
import { GATED_API_HINT, mismatchesOf, scenarioSummary, summaryVerdict } from '../../reports/summary.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const gated = scenarioByName('juju-1.24-gated-api')!;
const config = resolveRun(gated);
const TARGET = { target: { name: 'process', clientCommand: '/usr/bin/python3 robust.py' } };
const STALLED =
  'the run stalled 234.9s of model time (a starved harness or controller): that deadline cannot be judged';

/** `result` with deployments-complete unknown in `unknownRuns` of its runs, for `reason`. */
function unknownIn(result: ExploreResult, unknownRuns: number, reason = STALLED): ExploreResult {
  return {
    ...result,
    properties: result.properties.map((p) =>
      p.property === 'deployments-complete'
        ? { ...p, verdict: 'unknown', unknownRuns, unknownReason: reason, firstUnknownRun: 1 }
        : p,
    ),
  };
}

describe('a property judged in no run', () => {
  const held = explore(config, { runs: 2, seed: 1 });

  it('makes the run INCONCLUSIVE, on the console and in summary.json, for a program and for a scenario', () => {
    expect(held.verdict).toBe('pass');
    const never = unknownIn(held, 2);
    expect(judgedInNoRun(never.properties, never.runs)).toEqual(['deployments-complete']);
    const line = formatSummary(never).split('\n')[0]!;
    expect(line).toMatch(/: INCONCLUSIVE: no property violated, but deployments-complete judged in no run /);
    expect(line).not.toMatch(/PASS/);
    for (const judged of ['client-command', 'properties'] as const)
      expect(summaryVerdict([scenarioSummary(config, never, [], judged, TARGET)], judged)).toBe('inconclusive');
    // Judged by expectations, an unknown `held` is already a mismatch (as qualify counts it): a fail.
    expect(summaryVerdict([scenarioSummary(config, never, [], 'expectations', TARGET)], 'expectations')).toBe('fail');
  });

  it("says INCONCLUSIVE for a --client-cmd program too when only its controller's expected violations were seen", () => {
    // robust.mjs on juju-1.22-old-release-line (process target, 3 runs, load ~15): "PASS for your client: ...;
    // no-surprise-upgrade, version-as-tested violated as the scenario expects of its juju-1.22 controller",
    // and exit 1 (deployments-complete unknown, stalled, in 3 of 3).
    const controllers = (r: ExploreResult): ExploreResult => ({
      ...r,
      verdict: 'fail',
      properties: r.properties.map((p) =>
        p.property === 'no-surprise-upgrade' ? { ...p, verdict: 'violated', violated: true, firstFailureRun: 1 } : p,
      ),
    });
    const never = controllers(unknownIn(held, 2));
    const line = formatClientVerdict(never, [], ['no-surprise-upgrade'], 'juju-1.22').split('\n')[0]!;
    expect(line).toMatch(
      /: INCONCLUSIVE for your client: no property it is judged on was violated, but deployments-complete judged in no run .*exit 1\); no-surprise-upgrade violated as the scenario expects of its juju-1\.22 controller — /,
    );
    expect(line).not.toMatch(/PASS/);
    const some = controllers(unknownIn(held, 1));
    expect(formatClientVerdict(some, [], ['no-surprise-upgrade'], 'juju-1.22')).toMatch(/: PASS for your client: /);
    // Cut short (Ctrl-C), it says so rather than PASS, as formatSummary does.
    expect(formatClientVerdict({ ...some, interrupted: true }, [], ['no-surprise-upgrade'], 'juju-1.22')).toMatch(
      /: INTERRUPTED after \d+ runs?: no property your client is judged on violated so far; no-surprise-upgrade violated/,
    );
  });

  it('unknown in some runs only, or never judgeable on the target, still passes', () => {
    const some = unknownIn(held, 1);
    expect(judgedInNoRun(some.properties, some.runs)).toEqual([]);
    expect(formatSummary(some)).toMatch(/PASS: no property violated, 1 could not be judged/);
    expect(summaryVerdict([scenarioSummary(config, some, [], 'client-command', TARGET)], 'client-command')).toBe(
      'pass',
    );
    const external = unknownIn(held, 2, `no bootstrap record: ${CONTROLLER_NOT_OBSERVED}`);
    expect(summaryVerdict([scenarioSummary(config, external, [], 'properties', TARGET)], 'properties')).toBe('pass');
  });

  it("the hint that sends a client to juju-1.24-gated-api gives a Juju 3 client's flags", () => {
    expect(GATED_API_HINT).toMatch(/juju-1\.24-gated-api.*--tls --controller juju-3\.6/);
    const violated = held.properties.map((p) =>
      p.property === 'deployments-complete' ? { ...p, verdict: 'violated' as const, violated: true } : p,
    );
    const { mismatches } = mismatchesOf(
      { ...gated.expect, 'deployments-complete': 'violated' },
      violated,
      false,
      'client-command',
    );
    expect(mismatches.join('\n')).toContain(GATED_API_HINT);
  });

  it('run exits 1 with verdict inconclusive in --json and summary.json (a scenario whose deadlines no run reaches)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uc-inconclusive-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // Deadlines of 1 ms: at seed 2 the one run never reaches quiescence, so no-lost-work is unknown in it.
    const scenario = {
      name: 'hurried',
      controller: 'juju-1.24',
      client: 'reconnecting',
      clients: 1,
      versions: ['1.24.2', '1.24.3'],
      weights: { deploy: 3, wait: 4 },
      expect: { 'no-lost-work': 'held' },
      deadlines: { deployMs: 1, resumeMs: 1 },
    };
    const file = join(dir, 'hurried.json');
    writeFileSync(file, JSON.stringify(scenario));
    const bin = new URL('../../bin/upgrade-chaos.js', import.meta.url).pathname;
    const args = ['run', '--scenario', file, '--runs', '1', '--seed', '2', '--no-corpus', '--property', 'no-lost-work'];
    const r = await execa('node', [bin, ...args, '--json', '--out', dir], { reject: false, cwd: dir });
    expect(r.exitCode, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout) as { verdict: string; results: string };
    expect(json.verdict).toBe('inconclusive');
    expect(JSON.parse(readFileSync(join(json.results, 'summary.json'), 'utf8'))).toMatchObject({
      verdict: 'inconclusive',
    });
  }, 120_000);
});

/**
 * A client program starts at its plan's first deploy: on plans without one it never runs, and every
 * property held of the controller alone (trial 12: `run --target process --client-cmd ... --runs 1`
 * said "PASS: every property held" of a program that never started). Run in no run: INCONCLUSIVE;
 * in some: the summary says in how many.
 */
describe('a client program started in no run', () => {
  const held = explore(config, { runs: 2, seed: 1 });

  it('makes the run INCONCLUSIVE, on the console and in summary.json', () => {
    const never: ExploreResult = { ...held, programRuns: 0 };
    expect(programRanInNoRun(never.programRuns, never.runs)).toBe(true);
    const line = formatSummary(never).split('\n')[0]!;
    expect(line).toMatch(/: INCONCLUSIVE: no property violated, but the client program ran in 0 of 2 runs /);
    expect(line).not.toMatch(/PASS/);
    for (const judged of ['client-command', 'properties'] as const)
      expect(summaryVerdict([scenarioSummary(config, never, [], judged, TARGET)], judged)).toBe('inconclusive');
    // Also when the only violations are those the scenario expects of its controller.
    expect(formatClientVerdict(never, [], ['no-work-before-upgrade'], 'juju-1.24')).toMatch(
      /: INCONCLUSIVE for your client: the client program ran in 0 of 2 runs /,
    );
  });

  it('started in some runs, passes and says in how many; built-in clients (no count) pass as before', () => {
    const some: ExploreResult = { ...held, programRuns: 1 };
    expect(formatSummary(some)).toMatch(
      /^[^\n]*PASS: every property held[^\n]*\n {2}note: the client program ran in 1 of 2 runs /,
    );
    expect(summaryVerdict([scenarioSummary(config, some, [], 'client-command', TARGET)], 'client-command')).toBe(
      'pass',
    );
    expect(formatSummary(held)).not.toMatch(/client program/);
    expect(summaryVerdict([scenarioSummary(config, held, [], 'properties', TARGET)], 'properties')).toBe('pass');
  });
});
