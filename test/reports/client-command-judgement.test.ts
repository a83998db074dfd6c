/**
 * A --client-cmd program under a named scenario is judged as the client it replaces: what the
 * scenario expects of its controller (juju-1.22 accepting work mid-upgrade, leaving interrupted
 * units in error) is not the program's failure, what it expected of its own client is no excuse.
 * The judgement is one rule (reports/expectation.ts judgeOutcome): summary.json's verdict (the exit
 * code), its mismatches and junit.xml must agree. Played on the sim with built-in clients standing
 * in for a program: `reconnecting` survives Juju 1.22's implicit upgrade, `deployer-naive` does not.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { formatJunit } from '../../reports/junit.ts';
import { scenarioSummary, summaryVerdict, type Summary } from '../../reports/summary.ts';
import type { Judged } from '../../reports/expectation.ts';
import { scenarioByName } from '../../scenarios/index.ts';

function judge(client: string, judged: Judged) {
  const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!, { client });
  const result = explore(config, { seed: 1, runs: 60, shrink: false });
  const scenario = scenarioSummary(config, result, [], judged, { target: { name: 'sim' } });
  const summary = { judged, scenarios: [scenario], settings: { strategy: 'random' }, command: 'run' };
  const junit = formatJunit({ ...summary, startedAt: '2026-11-27T13:00:00Z' } as unknown as Summary);
  const violated = result.properties.filter((p) => p.violated).map((p) => p.property);
  return { verdict: summaryVerdict([scenario], judged), mismatches: scenario.mismatches, junit, violated };
}

const junitFailures = (junit: string) => Number(/<testsuites [^>]*failures="(\d+)"/.exec(junit)?.[1]);

describe('a client under test on a scenario whose controller misbehaves on purpose', () => {
  it("passes a client that survives: the scenario's expected controller violations are not its failure", () => {
    const { verdict, mismatches, junit, violated } = judge('reconnecting', 'client-command');
    expect(violated).toEqual(expect.arrayContaining(['no-work-before-upgrade', 'deployments-complete']));
    expect(violated).not.toContain('watchers-resume');
    expect(mismatches).toEqual([]);
    expect(verdict).toBe('pass');
    expect(junitFailures(junit)).toBe(0);
    // Plain property semantics (run --scenario without a program) still fail it.
    expect(judge('reconnecting', 'properties').verdict).toBe('fail');
  });

  it('fails a client that loses its watcher, though the scenario expected that of its own client', () => {
    const { verdict, mismatches, junit, violated } = judge('deployer-naive', 'client-command');
    expect(violated).toContain('watchers-resume');
    expect(mismatches).toContain('watchers-resume: violated by the client under test');
    expect(mismatches.filter((m) => m.startsWith('no-work-before-upgrade'))).toEqual([]);
    expect(verdict).toBe('fail');
    expect(junitFailures(junit)).toBe(mismatches.length);
    expect(junit).toMatch(/message="watchers-resume: violated by the client under test/);
  });
});
