/**
 * A --client-cmd program under a named scenario is judged as the client it replaces: what the
 * scenario expects of its controller alone (juju-1.22 upgrading itself unasked) is not the program's
 * failure; a violation of a property that judges client and controller together (a deploy that
 * never completed) is not excused, since the program may have caused it (one that gives up does);
 * what the scenario expected of its own client is no excuse. The judgement is one rule
 * (reports/expectation.ts judgeOutcome): summary.json's verdict (the exit code), its mismatches and
 * junit.xml must agree. Played on the sim with built-in clients standing in for a program.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { formatJunit } from '../../reports/junit.ts';
import { scenarioSummary, summaryVerdict, type Summary } from '../../reports/summary.ts';
import type { Judged } from '../../reports/expectation.ts';
import { scenarioByName } from '../../scenarios/index.ts';

function judge(client: string, judged: Judged, scenarioName = 'juju-1.22-implicit-upgrade') {
  const config = resolveRun(scenarioByName(scenarioName)!, { client });
  const result = explore(config, { seed: 1, runs: 60, shrink: false });
  const scenario = scenarioSummary(config, result, [], judged, { target: { name: 'sim' } });
  const summary = { judged, scenarios: [scenario], settings: { strategy: 'random' }, command: 'run' };
  const junit = formatJunit({ ...summary, startedAt: '2026-11-27T13:00:00Z' } as unknown as Summary);
  const violated = result.properties.filter((p) => p.violated).map((p) => p.property);
  return { verdict: summaryVerdict([scenario], judged), mismatches: scenario.mismatches, junit, violated };
}

const junitFailures = (junit: string) => Number(/<testsuites [^>]*failures="(\d+)"/.exec(junit)?.[1]);

describe('a client under test on a scenario whose controller misbehaves on purpose', () => {
  it("passes a client that survives: the scenario's expected violations of its controller alone are not its failure", () => {
    const { verdict, mismatches, junit, violated } = judge(
      'reconnecting',
      'client-command',
      'juju-1.22-old-release-line',
    );
    expect(violated).toEqual(expect.arrayContaining(['no-surprise-upgrade', 'version-as-tested']));
    expect(mismatches.filter((m) => /^(no-surprise-upgrade|version-as-tested)/.test(m))).toEqual([]);
    expect(junitFailures(junit)).toBe(mismatches.length);
    expect(verdict).toBe(mismatches.length === 0 ? 'pass' : 'fail'); // the controller's alone never fail it
  });

  it('does not excuse a shared property the scenario expects its controller to violate: the program may be the cause', () => {
    const { verdict, mismatches, violated } = judge('reconnecting', 'client-command');
    expect(violated).toEqual(expect.arrayContaining(['no-work-before-upgrade', 'deployments-complete']));
    expect(mismatches).toContainEqual(
      expect.stringMatching(/^deployments-complete: violated; the scenario expects its controller to violate it too/),
    );
    expect(verdict).toBe('fail');
  });

  it('fails a client that loses its watcher, though the scenario expected that of its own client', () => {
    const { verdict, mismatches, junit, violated } = judge('deployer-naive', 'client-command');
    expect(violated).toContain('watchers-resume');
    expect(mismatches).toContain('watchers-resume: violated by the client under test');
    expect(verdict).toBe('fail');
    expect(junitFailures(junit)).toBe(mismatches.length);
    expect(junit).toMatch(/message="watchers-resume: violated by the client under test/);
  });
});
