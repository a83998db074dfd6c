/**
 * summary.json: what a run found, for CI and for `report merge`. It holds the `--json` object's
 * fields for every scenario explored, plus what a person needs to trust and repeat it: profiles,
 * versions, target and client command, properties checked, tool version and commit, start and end
 * time, whether an interrupt cut it short, and the shard it covered. Pure: built from data.
 */
import type { ExploreResult, ExploreVerdict, PropertyOutcome, ReplayCase } from '../harness/explore-result.ts';
import type { FailureRecord, ToolInfo } from '../harness/failure-record.ts';
import type { HistoryRecord } from '../harness/history.ts';
import type { RunConfig } from '../harness/run-config.ts';
import { playedClient, type RunSettings } from '../harness/run-settings.ts';
import type { Scenario } from '../harness/scenario.ts';
import { PROPERTY_JUDGES, type PropertyName, type PropertyVerdict } from '../properties/property.ts';
import { count } from '../harness/plural.ts';
import { judgeOutcome, type Judged } from './expectation.ts';
import { judgedInNoRun, programRanInNoRun } from './inconclusive.ts';
import { propertyJson, resultHead, type FailureJson, type RunJson } from './json.ts';

export const SUMMARY_FORMAT = 'upgrade-chaos-summary/1';

/** A failure as the summary lists it: the JSON of `--json` plus the id of its folder under failures/. */
export type SummaryFailure = FailureJson & { id: string };

export interface ScenarioSummary extends Omit<RunJson, 'failures'> {
  controller: string;
  client: string;
  clients: number;
  versions: readonly string[];
  expected: Scenario['expect'];
  /** Each property's full outcome (first failing run, counts), which `report merge` adds up. */
  outcomes: PropertyOutcome[];
  /** What fails the scenario as judged (not with `properties`, where any violation does): verdicts
   *  other than expected, or (client-command) violations that are the client's. */
  mismatches: string[];
  /** A shard's expected violations it did not see (judged by expectations only): not mismatches,
   *  since another shard's cases may hold them; `report merge` judges them over all shards. */
  notInShard?: string[];
  /** With a client program: the runs that started it (reports/inconclusive.ts programRanInNoRun). */
  programRuns?: number;
  failures: SummaryFailure[];
}

export interface Summary {
  format: typeof SUMMARY_FORMAT;
  command: 'run' | 'qualify' | 'replay';
  /** `properties`: any violation fails the run; `expectations`: verdicts are compared with the
   *  scenarios'; `client-command`: a --client-cmd program's run (reports/expectation.ts Judged). */
  judged: Judged;
  /** `none`: no scenario has a verdict (no run completed: an interrupt or --time-limit came first);
   *  `interrupted`: an interrupt cut the invocation short and nothing it ran failed (the console's
   *  INTERRUPTED: no property violated so far; not a pass, which would claim every property held);
   *  `inconclusive`: no violation, but some property was judged in no run (reports/inconclusive.ts);
   *  `error`: a target failure stopped the invocation midway (targetError says which), whatever the
   *  scenarios explored before it found. */
  verdict: SummaryVerdict | 'error';
  /** The target failure (exit 3) that stopped the invocation, when one did. */
  targetError?: string;
  interrupted: boolean;
  settings: RunSettings;
  tool: ToolInfo & { name: 'upgrade-chaos' };
  startedAt: string;
  endedAt?: string;
  scenarios: ScenarioSummary[];
  skipped: string[];
  /** `qualify --compare OLD,NEW`: each scenario appears twice, once per controller profile. */
  compare?: { old: string; new: string };
  /** `report merge`: how many reports were merged into this one. */
  mergedFrom?: number;
}

/** A saved failure with its history, as the reports draw it. */
export interface SavedFailure {
  record: FailureRecord;
  history: HistoryRecord[];
  /** The folder it lives in, relative to the report folder (failures/<id>). */
  folder: string;
}

/** held, violated, or unknown (some run could not be judged; it never matches an expectation). */
export function observedVerdict(outcome: PropertyOutcome): PropertyVerdict {
  return outcome.verdict;
}

/** Where to judge a client alone. The 1.24 profile speaks plain ws:// and Juju 1.x's wire, which a
 *  Juju 3 client (python-libjuju dials only wss://) cannot talk to: it would never connect (trial 11). */
export const GATED_API_HINT =
  '--scenario juju-1.24-gated-api; a Juju 3 client such as python-libjuju needs ' +
  '--tls --controller juju-3.6 --time-scale 1 with it';

/** What mismatchesOf reads of a failure: its property and whether each violation is the client's alone. */
export interface FailureViolations {
  property: string;
  violations: readonly { clientOnly?: true }[];
}

/** Each claimed property whose verdict fails it as judged; in a shard, an expected violation not
 *  seen goes to `notInShard` instead (reports/expectation.ts). `failures` (the counterexamples
 *  found) decide whose doing a --client-cmd program's violation is, violation by violation. */
export function mismatchesOf(
  expected: Scenario['expect'],
  outcomes: readonly PropertyOutcome[],
  sharded = false,
  judged: Judged = 'expectations',
  failures: readonly FailureViolations[] = [],
): { mismatches: string[]; notInShard: string[] } {
  const mismatches: string[] = [];
  const notInShard: string[] = [];
  for (const outcome of outcomes) {
    const want = expected[outcome.property];
    const seen = observedVerdict(outcome);
    const judgement = judgeOutcome(judged, outcome.property, want, seen, sharded);
    if (judgement === 'differs')
      mismatches.push(
        judged === 'expectations'
          ? `${outcome.property}: expected ${want}, observed ${seen}`
          : PROPERTY_JUDGES[outcome.property] === 'client'
            ? `${outcome.property}: violated by the client under test`
            : want === 'violated'
              ? sharedViolation(
                  outcome.property,
                  failures.filter((f) => f.property === outcome.property).flatMap((f) => f.violations),
                )
              : `${outcome.property}: violated, and the scenario expects it to hold`,
      );
    if (judgement === 'not-in-shard') notInShard.push(outcome.property);
  }
  return { mismatches, notInShard };
}

/**
 * A --client-cmd program's violation of a property that judges it and the controller together, which
 * the scenario expects its controller to violate too. Hedged ("may not be your client's doing") only
 * as far as its violations could come from the controller's side: one marked `clientOnly` (a success
 * reported before the controller had it) is the program's own doing whatever the controller did.
 */
function sharedViolation(property: PropertyName, violations: readonly { clientOnly?: true }[]): string {
  const own = violations.filter((v) => v.clientOnly).length;
  const hedge = `the scenario expects its controller to violate it too, so ${own > 0 ? 'the others' : 'it'} may not be your client's doing (judge your client alone on a fixed controller: ${GATED_API_HINT})`;
  if (own === 0) return `${property}: violated; ${hedge}`;
  if (own === violations.length) return `${property}: violated by the client under test`;
  return `${property}: violated by the client under test (${own} of ${count(violations.length, 'violation')}; ${hedge})`;
}

export function scenarioSummary(
  config: RunConfig,
  result: ExploreResult,
  failures: SummaryFailure[],
  judged: Summary['judged'],
  settings: Pick<RunSettings, 'target' | 'shard'>,
  replay?: (c: ReplayCase) => string,
): ScenarioSummary {
  const sharded = settings.shard !== undefined;
  // A scenario with no run observed nothing: no verdict to compare with what it expects.
  const judgement =
    judged !== 'properties' && result.verdict !== 'none'
      ? mismatchesOf(config.scenario.expect, result.properties, sharded, judged, result.failures)
      : { mismatches: [], notInShard: [] };
  return {
    ...resultHead(result),
    ...(result.interrupted ? { interrupted: true } : {}),
    ...(result.stoppedEarly ? { stoppedEarly: result.stoppedEarly } : {}),
    ...(result.notes ? { notes: result.notes } : {}),
    ...(result.programRuns !== undefined ? { programRuns: result.programRuns } : {}),
    properties: result.properties.map((p) => propertyJson(p, replay && { seed: result.seed, line: replay })),
    controller: config.controller.name,
    client: playedClient(config.client.name, settings.target),
    clients: config.scenario.clients,
    versions: config.scenario.versions,
    expected: config.scenario.expect,
    outcomes: result.properties,
    mismatches: judgement.mismatches,
    ...(judgement.notInShard.length > 0 ? { notInShard: judgement.notInShard } : {}),
    failures,
  };
}

/** Whether a scenario passes as judged: no violation at all, or every verdict as expected. */
export function scenarioPasses(s: ScenarioSummary, judged: Summary['judged']): boolean {
  return judged === 'properties' ? s.outcomes.every((o) => !o.violated) : s.mismatches.length === 0;
}

export type SummaryVerdict = ExploreVerdict | 'inconclusive' | 'interrupted';

/**
 * fail if a scenario fails as judged; none if no scenario has a verdict (none ran a run to its end);
 * inconclusive if a scenario judged some property in no run (judged by expectations, that unknown
 * is already a mismatch: it fails); interrupted if the invocation was cut short by an interrupt
 * (trial 13: summary.json said pass after a SIGTERM mid-run, the console INTERRUPTED); else pass.
 */
export function summaryVerdict(
  scenarios: readonly ScenarioSummary[],
  judged: Summary['judged'],
  interrupted = false,
): SummaryVerdict {
  if (!scenarios.every((s) => scenarioPasses(s, judged))) return 'fail';
  if (scenarios.every((s) => s.verdict === 'none')) return 'none';
  const noEvidence = (s: ScenarioSummary) =>
    judgedInNoRun(s.outcomes, s.runs).length > 0 || programRanInNoRun(s.programRuns, s.runs);
  if (scenarios.some(noEvidence)) return 'inconclusive';
  return interrupted ? 'interrupted' : 'pass';
}
