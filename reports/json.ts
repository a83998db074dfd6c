/** The one JSON object `run --json` and `replay --json` print. */
import type { ExploreResult, Failure } from '../harness/explore-result.ts';
import type { Coverage } from '../harness/coverage.ts';
import type { PropertyVerdict } from '../properties/property.ts';

export interface FailureJson {
  property: string;
  seed: number;
  path: string;
  events: number;
  shrunkEvents: number;
  plan: Failure['plan'];
  historyHash: string;
  simSeed: number;
  violations: { t: number; message: string; client?: string }[];
  replay: string;
  /** Real targets: how often the plan failed when run again there. */
  reproduced?: { runs: number; failed: number };
}

/** Each property's verdict over the runs: violated, unknown (could not judge some run) or held. */
export interface PropertyJson {
  property: string;
  verdict: PropertyVerdict;
  violatingRuns?: number;
  unknownRuns?: number;
  unknownReason?: string;
}

export type RunJson = Pick<
  ExploreResult,
  'scenario' | 'target' | 'runs' | 'seed' | 'verdict' | 'runsPerSecond' | 'elapsedMs' | 'notes'
> & {
  properties: PropertyJson[];
  failures: FailureJson[];
  /** With --coverage: what the exploration reached (harness/coverage.ts). */
  coverage?: Coverage;
};

export function runJson(result: ExploreResult, replayLine: (f: Failure) => string): RunJson {
  return {
    scenario: result.scenario,
    target: result.target,
    runs: result.runs,
    seed: result.seed,
    verdict: result.verdict,
    runsPerSecond: result.runsPerSecond,
    elapsedMs: result.elapsedMs,
    ...(result.notes ? { notes: result.notes } : {}),
    properties: result.properties.map((p) => ({
      property: p.property,
      verdict: p.verdict,
      ...(p.violatingRuns ? { violatingRuns: p.violatingRuns } : {}),
      ...(p.unknownRuns ? { unknownRuns: p.unknownRuns, unknownReason: p.unknownReason } : {}),
    })),
    failures: result.failures.map((f) => ({
      property: f.property,
      seed: f.seed,
      path: f.path,
      events: f.events,
      shrunkEvents: f.shrunkEvents,
      plan: f.plan,
      historyHash: f.historyHash,
      simSeed: f.simSeed,
      violations: f.violations.map(({ t, message, client }) => ({ t, message, ...(client ? { client } : {}) })),
      replay: replayLine(f),
      ...(f.reproduced ? { reproduced: f.reproduced } : {}),
    })),
    ...(result.coverage ? { coverage: result.coverage } : {}),
  };
}
