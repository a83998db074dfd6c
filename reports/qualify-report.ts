/**
 * A qualification: every scenario explored, each claimed property's observed verdict compared with
 * the expected one. An unexpected pass is as much a regression as an unexpected failure, so the
 * verdict is "pass" only when every observation matches its expectation. This file builds the
 * report from exploration results and gives `qualify --json` its one object.
 */
import type { ExploreResult, Failure } from '../harness/explore-result.ts';
import type { RunConfig } from '../harness/run-config.ts';
import type { Verdict } from '../harness/scenario.ts';
import type { PropertyName, PropertyVerdict } from '../properties/property.ts';
import { judgeExpectation } from './expectation.ts';

export interface QualifiedProperty {
  property: PropertyName;
  expected: Verdict;
  /** unknown (the property could not judge some run, and none violated it) never matches. */
  observed: PropertyVerdict;
  /** Runs until the first violation, or every run when it held. */
  runs: number;
  /** Why the property could not judge (unknown only). */
  reason?: string;
  /** Milliseconds to the first violation (violated only). */
  ms?: number;
  /** A shard did not see this expected violation: not a mismatch there (reports/expectation.ts). */
  notInShard?: true;
  /** The shrunk counterexample and the command that replays it (violated only). */
  failure?: Failure;
  replay?: string;
}

export interface QualifiedScenario {
  name: string;
  target: string;
  controller: string;
  client: string;
  runs: number;
  elapsedMs: number;
  properties: QualifiedProperty[];
}

export interface QualifyReport {
  verdict: 'pass' | 'fail';
  target: string;
  strategy: string;
  runs: number;
  seed: number;
  scenarios: QualifiedScenario[];
}

/** What `qualify --json` prints, and nothing more. */
export interface QualifyJson {
  verdict: 'pass' | 'fail';
  scenarios: {
    name: string;
    target: string;
    properties: Record<
      string,
      {
        expected: Verdict;
        observed: PropertyVerdict;
        runs: number;
        replay: string | null;
        reason?: string;
        notInShard?: true;
      }
    >;
  }[];
}

export function qualifyScenario(
  config: RunConfig,
  result: ExploreResult,
  replay: (f: Failure) => string,
  sharded = false,
): QualifiedScenario {
  const properties = result.properties.map((outcome): QualifiedProperty => {
    // A scenario claims every property it checks, so there is always an expectation.
    const expected = config.scenario.expect[outcome.property] ?? 'held';
    const failure = result.failures.find((f) => f.property === outcome.property);
    if (outcome.verdict === 'unknown')
      return {
        property: outcome.property,
        expected,
        observed: 'unknown',
        runs: result.runs,
        ...(outcome.unknownReason !== undefined ? { reason: outcome.unknownReason } : {}),
        ...(judgeExpectation(expected, 'unknown', sharded) === 'not-in-shard' ? { notInShard: true as const } : {}),
      };
    if (!outcome.violated || !failure) {
      const notInShard = judgeExpectation(expected, 'held', sharded) === 'not-in-shard';
      return {
        property: outcome.property,
        expected,
        observed: 'held',
        runs: result.runs,
        ...(notInShard ? { notInShard } : {}),
      };
    }
    return {
      property: outcome.property,
      expected,
      observed: 'violated',
      runs: outcome.firstFailureRun ?? result.runs,
      ...(outcome.firstFailureMs !== undefined ? { ms: outcome.firstFailureMs } : {}),
      failure,
      replay: replay(failure),
    };
  });
  return {
    name: config.scenario.name,
    target: result.target,
    controller: config.controller.name,
    client: config.client.name,
    runs: result.runs,
    elapsedMs: result.elapsedMs,
    properties,
  };
}

/** As expected, or an expected violation a shard did not see (the merge judges it). */
export function matches(p: QualifiedProperty): boolean {
  return p.expected === p.observed || p.notInShard === true;
}

export function qualifyVerdict(scenarios: readonly QualifiedScenario[]): 'pass' | 'fail' {
  return scenarios.every((s) => s.properties.every(matches)) ? 'pass' : 'fail';
}

export function qualifyJson(report: QualifyReport): QualifyJson {
  return {
    verdict: report.verdict,
    scenarios: report.scenarios.map((s) => ({
      name: s.name,
      target: s.target,
      properties: Object.fromEntries(
        s.properties.map((p) => [
          p.property,
          {
            expected: p.expected,
            observed: p.observed,
            runs: p.runs,
            replay: p.replay ?? null,
            ...(p.reason !== undefined ? { reason: p.reason } : {}),
            ...(p.notInShard ? { notInShard: true } : {}),
          },
        ]),
      ),
    })),
  };
}
