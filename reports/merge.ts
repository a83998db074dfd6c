/**
 * `report merge`: the reports of n shards of one run (same command, seed, strategy and target) as
 * the report of the unsharded run. Each shard ran the cases k with k mod n = its index, so a
 * scenario's runs add up and a property is violated when any shard saw it. Each shard shrank the
 * first violating case it saw; the unsharded run would have shrunk the first of them all, so the
 * merged report keeps, per property, the failures of the shard whose first violation came first.
 * Pure: summaries and failures in, one summary and its failures out.
 */
import type { PropertyOutcome } from '../harness/explore-result.ts';
import { propertyJson } from './json.ts';
import { mismatchesOf, summaryVerdict, type SavedFailure, type ScenarioSummary, type Summary } from './summary.ts';

export interface Report {
  summary: Summary;
  failures: SavedFailure[];
}

/** Why these reports cannot be merged, or undefined when they can. */
export function mergeProblem(reports: readonly Report[]): string | undefined {
  const [first, ...rest] = reports.map((r) => r.summary);
  if (!first) return 'nothing to merge';
  const stopped = reports.find((r) => r.summary.targetError !== undefined)?.summary;
  if (stopped) return `a shard was stopped by a target failure (${stopped.targetError}): rerun it, then merge`;
  for (const s of rest) {
    for (const [what, a, b] of [
      ['command', first.command, s.command],
      ['seed', first.settings.seed, s.settings.seed],
      ['strategy', first.settings.strategy, s.settings.strategy],
      ['target', first.settings.target.name, s.settings.target.name],
      ['client command', first.settings.target.clientCommand ?? 'none', s.settings.target.clientCommand ?? 'none'],
      ['judged', first.judged, s.judged],
    ] as const)
      if (a !== b) return `the reports differ in ${what} (${String(a)} and ${String(b)}): only shards of one run merge`;
  }
  return shardProblem(reports.map((r) => r.summary.settings.shard));
}

/** Every shard of the run, each once: a lost or doubled shard would merge into a wrong verdict. */
function shardProblem(shards: ReadonlyArray<{ index: number; count: number } | undefined>): string | undefined {
  const given = shards.filter((s): s is { index: number; count: number } => s !== undefined);
  if (given.length < shards.length) return 'a report is not a shard (run with --shard I/N): only shards merge';
  const count = given[0]!.count;
  if (given.some((s) => s.count !== count))
    return 'the reports are shards of different splits (--shard I/N, N differs)';
  const twice = given.find((s, i) => given.findIndex((t) => t.index === s.index) !== i);
  if (twice) return `shard ${twice.index}/${count} is given twice`;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !given.some((s) => s.index === i));
  if (missing.length)
    return `missing shard ${missing.map((i) => `${i}/${count}`).join(', ')}: some shards are not the run`;
  return undefined;
}

export function mergeReports(reports: readonly Report[]): Report {
  const summaries = reports.map((r) => r.summary);
  const first = summaries[0]!;
  const keys = [...new Set(summaries.flatMap((s) => s.scenarios.map(scenarioKey)))];
  const scenarios = keys.map((key) =>
    mergeScenario(
      summaries.flatMap((s) => s.scenarios.filter((x) => scenarioKey(x) === key)),
      first.judged,
    ),
  );
  const keptIds = new Set(scenarios.flatMap((s) => s.failures.map((f) => f.id)));
  const failures = uniqueBy(
    reports.flatMap((r) => r.failures).filter((f) => keptIds.has(f.record.id)),
    (f) => f.record.id,
  );
  const { shard: _shard, ...settings } = first.settings;
  const ended = summaries.map((s) => s.endedAt).filter((t): t is string => t !== undefined);
  const summary: Summary = {
    ...first,
    settings,
    verdict: summaryVerdict(scenarios, first.judged),
    interrupted: summaries.some((s) => s.interrupted),
    startedAt: summaries.map((s) => s.startedAt).sort()[0]!,
    ...(ended.length ? { endedAt: ended.sort().at(-1)! } : {}),
    scenarios,
    skipped: [...new Set(summaries.flatMap((s) => s.skipped))],
    mergedFrom: summaries.reduce((n, s) => n + (s.mergedFrom ?? 1), 0),
  };
  if (first.compare) summary.compare = first.compare;
  return { summary, failures };
}

function scenarioKey(s: ScenarioSummary): string {
  return `${s.scenario}\u0000${s.controller}`;
}

function mergeScenario(parts: readonly ScenarioSummary[], judged: Summary['judged']): ScenarioSummary {
  const first = parts[0]!;
  const outcomes = first.outcomes.map((o) => mergeOutcome(parts, o.property));
  // As an unsharded run lists them: by the run that first violated each property, then property order.
  const failures = [...outcomes].sort(byFirstRun).flatMap((o) => {
    const from = o.violated ? earliest(parts, o.property) : undefined;
    return from ? from.failures.filter((f) => f.property === o.property) : [];
  });
  const runs = parts.reduce((n, p) => n + p.runs, 0);
  const interrupted = parts.some((p) => p.interrupted);
  const merged: ScenarioSummary = {
    ...first,
    runs,
    verdict: outcomes.some((o) => o.violated) ? 'fail' : runs === 0 ? 'none' : 'pass',
    // The shards ran side by side: their speeds add up, and the merged run took as long as the slowest.
    runsPerSecond: parts.reduce((n, p) => n + p.runsPerSecond, 0),
    elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)),
    outcomes,
    properties: outcomes.map((o) => propertyJson(o)),
    // Over every shard's runs together: an expected violation no shard found is a mismatch now.
    mismatches:
      judged !== 'properties' && runs > 0
        ? mismatchesOf(first.expected, outcomes, false, judged, failures).mismatches
        : [],
    failures,
  };
  delete merged.notInShard;
  const notes = [...new Set(parts.flatMap((p) => p.notes ?? []))];
  if (notes.length > 0) merged.notes = notes;
  else delete merged.notes;
  if (interrupted) merged.interrupted = true;
  else delete merged.interrupted;
  const stopped = stoppedEarly(parts);
  if (stopped) merged.stoppedEarly = stopped;
  else delete merged.stoppedEarly;
  return merged;
}

/** A shard that --time-limit stopped short leaves the merged run short too: of every shard's plan. */
function stoppedEarly(parts: readonly ScenarioSummary[]): ScenarioSummary['stoppedEarly'] {
  const first = parts.find((p) => p.stoppedEarly)?.stoppedEarly;
  if (!first) return undefined;
  const plannedRuns = parts.reduce((n, p) => n + (p.stoppedEarly?.plannedRuns ?? p.runs), 0);
  return { ...first, plannedRuns };
}

function mergeOutcome(parts: readonly ScenarioSummary[], property: PropertyOutcome['property']): PropertyOutcome {
  const seen = parts.flatMap((p) => p.outcomes.filter((o) => o.property === property));
  const violated = seen.filter((o) => o.violated);
  const firstRun = violated.filter((o) => o.firstFailureRun !== undefined).sort(byFirstRun)[0];
  const unknown = seen.filter((o) => o.verdict === 'unknown' || (o.unknownRuns ?? 0) > 0);
  const unknownRuns = unknown.reduce((n, o) => n + (o.unknownRuns ?? 0), 0);
  const unknownAt = unknown.flatMap((o) => (o.firstUnknownRun !== undefined ? [o.firstUnknownRun] : []));
  const firstUnknown = unknownAt.length > 0 ? Math.min(...unknownAt) : undefined;
  return {
    property,
    verdict: violated.length > 0 ? 'violated' : unknown.length > 0 ? 'unknown' : 'held',
    violated: violated.length > 0,
    violatingRuns: seen.reduce((n, o) => n + (o.violatingRuns ?? 0), 0),
    ...(unknown.length > 0 ? { unknownRuns, unknownReason: unknown[0]!.unknownReason ?? '' } : {}),
    ...(firstUnknown !== undefined ? { firstUnknownRun: firstUnknown } : {}),
    ...(firstRun?.firstFailureRun !== undefined ? { firstFailureRun: firstRun.firstFailureRun } : {}),
    ...(firstRun?.firstFailureMs !== undefined ? { firstFailureMs: firstRun.firstFailureMs } : {}),
  };
}

/** The shard whose first violation of `property` came earliest in the unsharded sequence of cases. */
function earliest(parts: readonly ScenarioSummary[], property: string): ScenarioSummary | undefined {
  const withRun = parts
    .map((p) => ({ p, o: p.outcomes.find((o) => o.property === property && o.violated) }))
    .filter((x): x is { p: ScenarioSummary; o: PropertyOutcome } => x.o !== undefined);
  withRun.sort((a, b) => byFirstRun(a.o, b.o));
  return withRun[0]?.p;
}

function byFirstRun(a: PropertyOutcome, b: PropertyOutcome): number {
  return (a.firstFailureRun ?? Infinity) - (b.firstFailureRun ?? Infinity);
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && (seen.add(key(item)), true));
}
