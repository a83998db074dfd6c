/** The one JSON object `run --json` and `replay --json` print. */
import { reproductionOf, type ExploreResult, type Failure, type Reproduction } from '../harness/explore-result.ts';

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
  /** Where the plan was shrunk: `sim`, `sim-then-target`, `target`, or `none` (not shrunk). */
  shrunkOn: Failure['shrunkOn'];
  /** Real targets: how often the plan failed when run again there. */
  reproduced?: Reproduction;
  /** The saved failure file, when one was written. */
  file?: string;
}

export type RunJson = Pick<
  ExploreResult,
  'scenario' | 'target' | 'runs' | 'seed' | 'verdict' | 'runsPerSecond' | 'elapsedMs'
> & {
  failures: FailureJson[];
  interrupted?: boolean;
};

export function failureJson(f: Failure, replay: string, file?: string): FailureJson {
  const reproduced = reproductionOf(f);
  return {
    property: f.property,
    seed: f.seed,
    path: f.path,
    events: f.events,
    shrunkEvents: f.shrunkEvents,
    plan: f.plan,
    historyHash: f.historyHash,
    simSeed: f.simSeed,
    violations: f.violations.map(({ t, message, client }) => ({ t, message, ...(client ? { client } : {}) })),
    replay,
    shrunkOn: f.shrunkOn,
    ...(reproduced ? { reproduced } : {}),
    ...(file !== undefined ? { file } : {}),
  };
}

export function runJson(
  result: ExploreResult,
  replayLine: (f: Failure) => string,
  fileOf: (f: Failure) => string | undefined = () => undefined,
): RunJson {
  return {
    scenario: result.scenario,
    target: result.target,
    runs: result.runs,
    seed: result.seed,
    verdict: result.verdict,
    runsPerSecond: result.runsPerSecond,
    elapsedMs: result.elapsedMs,
    failures: result.failures.map((f) => failureJson(f, replayLine(f), fileOf(f))),
    ...(result.interrupted ? { interrupted: true } : {}),
  };
}
