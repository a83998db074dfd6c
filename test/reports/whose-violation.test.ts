/**
 * A --client-cmd program judged on a scenario that expects its controller to violate a shared
 * property (python-libjuju-3.6 expects deployments-complete violated) is hedged, "may not be your
 * client's doing", violation by violation: only where the violation could come from the controller's
 * side (units left not active at the end). A success the program reported before the controller had
 * its units active is the program's own doing whatever the controller did (Violation.clientOnly), in
 * the console's FAIL line, summary.json and a merged report alike.
 */
import { describe, expect, it } from 'vitest';
import type { History, HistoryBody } from '../../harness/history.ts';
import type { Failure, PropertyOutcome } from '../../harness/explore-result.ts';
import { deploymentsComplete } from '../../properties/deployments-complete.ts';
import type { Violation } from '../../properties/property.ts';
import { failureJson } from '../../reports/json.ts';
import { mergeReports } from '../../reports/merge.ts';
import { mismatchesOf, type ScenarioSummary, type Summary } from '../../reports/summary.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { deployAccepted, history, view } from '../properties/build.ts';

const invoke: HistoryBody = { type: 'invoke', client: 'client-0', op: 1, f: 'deploy', value: { app: 'wp', units: 1 } };
const ok: HistoryBody = { type: 'ok', client: 'client-0', op: 1, f: 'deploy' };
const accepted = deployAccepted(['wp']);
const unit = (workload: string): HistoryBody => ({
  type: 'unit-status',
  unit: 'wp/0',
  workload,
  agent: workload === 'active' ? 'idle' : 'executing',
});
const final = (status: string): HistoryBody => ({
  type: 'final-model',
  version: '3.6.3',
  model: view({ wp: { 'wp/0': status } }),
});

/** The program reported its deploy done at 20, while the unit was still installing (active at 30). */
const reportedEarly = history()
  .at(10, invoke, accepted, unit('maintenance'))
  .at(20, ok)
  .at(30, unit('active'))
  .at(100, final('active'))
  .end(200);
/** The program waited for it, but the controller left the unit in error (a restart mid-hook), and the
 *  program said so. */
const leftInError = history()
  .at(10, invoke, accepted, unit('maintenance'))
  .at(30, unit('error'))
  .at(40, { type: 'fail', client: 'client-0', op: 1, f: 'deploy', error: 'wp/0 in error' })
  .at(100, final('error'))
  .end(200);
/** Both at once: reported early, and the unit ended in error. */
const both = history()
  .at(10, invoke, accepted, unit('maintenance'))
  .at(20, ok)
  .at(30, unit('error'))
  .at(100, final('error'))
  .end(200);

const expected = scenarioByName('python-libjuju-3.6')!.expect;
const outcome: PropertyOutcome = { property: 'deployments-complete', verdict: 'violated', violated: true };

function failureOf(h: History): Failure {
  const violations: Violation[] = deploymentsComplete.check(h);
  return {
    shrunkOn: 'sim',
    property: 'deployments-complete',
    seed: 1,
    path: '0',
    events: 2,
    shrunkEvents: 2,
    plan: [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'wp', units: 1 }],
    simSeed: 1,
    historyHash: 'h',
    violations,
    history: [...h],
    shrinkMs: 0,
  };
}

const lineFor = (h: History): string[] =>
  mismatchesOf(expected, [outcome], false, 'client-command', [failureOf(h)]).mismatches;

describe("whose doing a shared property's violation is, violation by violation", () => {
  it('the scenario expects its controller to violate deployments-complete', () => {
    expect(expected['deployments-complete']).toBe('violated');
  });

  it('does not hedge a success reported before the controller had the units active: certainly the client', () => {
    expect(failureOf(reportedEarly).violations.map((v) => v.clientOnly)).toEqual([true]);
    expect(lineFor(reportedEarly)).toEqual(['deployments-complete: violated by the client under test']);
  });

  it('hedges units left not active: the controller may have caused that', () => {
    expect(failureOf(leftInError).violations.map((v) => v.clientOnly)).toEqual([undefined, undefined]);
    const [line] = lineFor(leftInError);
    expect(line).toMatch(
      /^deployments-complete: violated; the scenario expects its controller to violate it too, so it may not be your client's doing/,
    );
  });

  it('says which part is the client when a run shows both', () => {
    const [line] = lineFor(both);
    expect(line).toMatch(
      /^deployments-complete: violated by the client under test \(1 of 2 violations; .* so the others may not be your client's doing/,
    );
  });

  it('judges alike from the JSON a merged report reads (summary.json failures)', () => {
    const json = (h: History) =>
      JSON.parse(JSON.stringify(failureJson(failureOf(h), 'REPLAY'))) as ReturnType<typeof failureJson>;
    const merged = (h: History) => mismatchesOf(expected, [outcome], false, 'client-command', [json(h)]).mismatches;
    expect(merged(reportedEarly)).toEqual(lineFor(reportedEarly));
    expect(merged(leftInError)).toEqual(lineFor(leftInError));
  });

  it('judges a merged report by the failures it keeps (report merge of two shards)', () => {
    // Shard 0 found the client's early report first (run 3); shard 1 a unit left in error (run 7).
    // The merged scenario keeps shard 0's counterexample, and is judged by it.
    const shard = (index: number, h: History, firstFailureRun: number): Summary => {
      const part: Partial<ScenarioSummary> = {
        scenario: 'python-libjuju-3.6',
        controller: 'juju-3.6',
        expected,
        runs: 10,
        runsPerSecond: 1,
        elapsedMs: 1,
        outcomes: [{ ...outcome, violatingRuns: 1, firstFailureRun }],
        mismatches: [lineFor(h)[0]!],
        failures: [{ ...failureJson(failureOf(h), 'REPLAY'), id: `shard-${index}` }],
      };
      const summary: Partial<Summary> = {
        judged: 'client-command',
        settings: { shard: { index, count: 2 } } as Summary['settings'],
        startedAt: '2026-11-28T00:00:00Z',
        scenarios: [part as ScenarioSummary],
        skipped: [],
      };
      return summary as Summary;
    };
    const merged = mergeReports([
      { summary: shard(0, reportedEarly, 3), failures: [] },
      { summary: shard(1, leftInError, 7), failures: [] },
    ]).summary.scenarios[0]!;
    expect(merged.failures.map((f) => f.id)).toEqual(['shard-0']);
    expect(merged.mismatches).toEqual(['deployments-complete: violated by the client under test']);
  });

  it('hedges as before when no counterexample is at hand (nothing shows the client alone)', () => {
    const [line] = mismatchesOf(expected, [outcome], false, 'client-command').mismatches;
    expect(line).toMatch(/may not be your client's doing/);
  });
});
