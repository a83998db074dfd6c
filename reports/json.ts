/** The one JSON object `run --json` and `replay --json` print. */
import {
  firstUnknownCase,
  reproductionOf,
  shrinkStoppedJson,
  type ExploreResult,
  type Failure,
  type PropertyOutcome,
  type ReplayCase,
  type Reproduction,
} from '../harness/explore-result.ts';
import type { Coverage } from '../harness/coverage.ts';
import type { PropertyVerdict } from '../properties/property.ts';
import { notObservedOnTarget } from '../properties/common.ts';

export interface FailureJson {
  property: string;
  seed: number;
  path: string;
  events: number;
  shrunkEvents: number;
  plan: Failure['plan'];
  historyHash: string;
  simSeed: number;
  /** `clientOnly`: nothing on the controller's side can cause it (properties/property.ts Violation). */
  violations: { t: number; message: string; client?: string; clientOnly?: true }[];
  replay: string;
  /** Where the plan was shrunk: `sim`, `sim-then-target`, `target`, or `none` (not shrunk). */
  shrunkOn: Failure['shrunkOn'];
  /** Real targets: how often the plan failed when run again there. */
  reproduced?: Reproduction;
  /** Shrinking on a real target ran out of its time budget (--shrink-time): the plan is the smallest
   *  failing one found by then; `message` says so in a sentence. */
  shrinkStopped?: { limitMs: number; message: string };
  /** The saved failure file, when one was written. */
  file?: string;
}

/** Each property's verdict over the runs: violated, unknown (could not judge some run) or held. */
export interface PropertyJson {
  property: string;
  verdict: PropertyVerdict;
  violatingRuns?: number;
  /** Runs it could not judge (0: every run was judged), and why the first could not be. */
  unknownRuns: number;
  unknownReason?: string;
  /** 1-based index of the first run it could not judge, and the line that replays that run. */
  firstUnknownRun?: number;
  unknownReplay?: string;
}

export type RunJson = Pick<
  ExploreResult,
  'scenario' | 'target' | 'runs' | 'seed' | 'verdict' | 'runsPerSecond' | 'elapsedMs' | 'notes' | 'stoppedEarly'
> & {
  properties: PropertyJson[];
  failures: FailureJson[];
  /** With --coverage: what the exploration reached (harness/coverage.ts). */
  coverage?: Coverage;
  interrupted?: boolean;
};

export function failureJson(f: Failure, replay: string, file?: string): FailureJson {
  const reproduced = reproductionOf(f);
  const stopped = shrinkStoppedJson(f);
  return {
    property: f.property,
    seed: f.seed,
    path: f.path,
    events: f.events,
    shrunkEvents: f.shrunkEvents,
    plan: f.plan,
    historyHash: f.historyHash,
    simSeed: f.simSeed,
    violations: f.violations.map(({ t, message, client, clientOnly }) => ({
      t,
      message,
      ...(client ? { client } : {}),
      ...(clientOnly ? { clientOnly } : {}),
    })),
    replay,
    shrunkOn: f.shrunkOn,
    ...(reproduced ? { reproduced } : {}),
    ...(stopped ? { shrinkStopped: stopped } : {}),
    ...(file !== undefined ? { file } : {}),
  };
}

/** A property's verdict as JSON; `replay` (given the exploration's seed) adds the line that replays
 *  the first run it could not judge. */
export function propertyJson(
  p: PropertyOutcome,
  replay?: { seed: number; line: (c: ReplayCase) => string },
): PropertyJson {
  const unknownCase = replay ? firstUnknownCase(replay.seed, p) : undefined;
  return {
    property: p.property,
    verdict: p.verdict,
    ...(p.violatingRuns ? { violatingRuns: p.violatingRuns } : {}),
    unknownRuns: p.unknownRuns ?? 0,
    ...(p.unknownRuns ? { unknownReason: p.unknownReason } : {}),
    ...(p.unknownRuns && p.firstUnknownRun !== undefined ? { firstUnknownRun: p.firstUnknownRun } : {}),
    // No replay for a property the target can never judge: it would not judge it either.
    ...(p.unknownRuns && unknownCase && replay && !notObservedOnTarget(p.unknownReason)
      ? { unknownReplay: replay.line(unknownCase) }
      : {}),
  };
}

/** What every JSON report of an exploration says first: which, where, how many, its verdict, how fast. */
export function resultHead(
  result: ExploreResult,
): Pick<RunJson, 'scenario' | 'target' | 'runs' | 'seed' | 'verdict' | 'runsPerSecond' | 'elapsedMs'> {
  return {
    scenario: result.scenario,
    target: result.target,
    runs: result.runs,
    seed: result.seed,
    verdict: result.verdict,
    runsPerSecond: result.runsPerSecond,
    elapsedMs: result.elapsedMs,
  };
}

export function runJson(
  result: ExploreResult,
  replayLine: (f: ReplayCase) => string,
  fileOf: (f: Failure) => string | undefined = () => undefined,
): RunJson {
  return {
    ...resultHead(result),
    ...(result.stoppedEarly ? { stoppedEarly: result.stoppedEarly } : {}),
    ...(result.notes ? { notes: result.notes } : {}),
    properties: result.properties.map((p) => propertyJson(p, { seed: result.seed, line: replayLine })),
    failures: result.failures.map((f) => failureJson(f, replayLine(f), fileOf(f))),
    ...(result.coverage ? { coverage: result.coverage } : {}),
    ...(result.interrupted ? { interrupted: true } : {}),
  };
}
