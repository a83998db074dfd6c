/** What a person reads at the end of a run: the verdict, and each race found, ready to replay. */
import {
  clientOutputsOf,
  firstUnknownCase,
  reproductionOf,
  shrinkStopped,
  type ExploreResult,
  type Failure,
  type PropertyOutcome,
  type ReplayCase,
} from '../harness/explore-result.ts';
import { planReadingOf } from '../harness/history.ts';
import { formatMs, formatPlan } from '../harness/plan.ts';
import { notObservedOnTarget } from '../properties/common.ts';
import { count } from '../harness/plural.ts';
import { formatTimeline } from './timeline.ts';
import { planHeading } from './plan-heading.ts';
import { formatClientOutput } from './client-output.ts';
import { judgedInNoRun, programRanInNoRun } from './inconclusive.ts';

/** How many runs `--repeat` suggests for a failure on a real target, where one replay may pass. */
export const SUGGESTED_REPEAT = 10;

export interface FailureFormat {
  /** Where the failure file was saved. */
  savedTo?: string;
  /** Said after the history hash (replay: whether it is the recorded one). */
  hashNote?: string;
  /** Every line of the timeline (replay --full), not the lines that explain the violations only. */
  fullTimeline?: boolean;
  /** How to see every line of a cut timeline (default: show --full on the file it was saved to). */
  fullHint?: string;
}

/** How `show` prints every line of a saved failure's timeline. */
export function showFullCommand(file: string): string {
  return `npx upgrade-chaos show --full ${file}`;
}

export function formatFailure(f: Failure, replay: string, format: FailureFormat = {}): string {
  const { savedTo, hashNote = '' } = format;
  const fullHint =
    format.fullHint ?? (savedTo !== undefined ? showFullCommand(savedTo) : 'replay it with --full to see every line');
  const timeline = { focus: f.violations, fullHint, ...(format.fullTimeline ? { maxLines: Infinity } : {}) };
  // In time order, as the timeline below them (a property may find a late one first).
  const inTime = [...f.violations].sort((a, b) => a.t - b.t);
  const violations = inTime.slice(0, 5).map((v) => `  - [t=${formatMs(v.t)}] ${v.message}`);
  if (f.violations.length > 5) violations.push(`  - ... and ${f.violations.length - 5} more`);
  return [
    `✗ ${f.property} violated${firstSeen(f)}`,
    ...violations,
    ``,
    planHeadingOf(f),
    formatPlan(f.plan, planReadingOf(f.history)),
    ``,
    `Timeline:`,
    formatTimeline(f.history, timeline),
    ``,
    ...provenance(f),
    ...clientOutputsOf(f).map(formatClientOutput),
    `History hash ${f.historyHash}${hashNote}${savedTo ? `; saved to ${savedTo}` : ''}`,
    `Replay: ${replay}`,
    ...repeatHint(f, replay),
  ].join('\n');
}

/** The plan's heading (reports/plan-heading.ts), with what the failure says of its shrinking. */
function planHeadingOf(f: Failure): string {
  return `${planHeading({ ...f, reproduced: reproductionOf(f), shrinkStopped: shrinkStopped(f) })}:`;
}

/** Which run of the exploration first showed it: how many runs the bug took to find (the first
 *  step of a fast-check path is the run's index). A replay or a corpus entry was not explored. */
function firstSeen(f: Failure): string {
  if (f.shrunkOn === 'none' && f.reason !== 'interrupted') return '';
  const run = Number(f.path.split(':')[0]) + 1;
  return Number.isInteger(run) ? ` (first seen in run ${run})` : '';
}

/** A real target is not deterministic: one replay may pass where the race needs luck to come back. */
function repeatHint(f: Failure, replay: string): string[] {
  if (f.shrunkOn === 'sim' || f.target === 'sim') return [];
  if (f.shrunkOn === 'none' && f.reason === 'replay' && (f.reproduced?.runs ?? 1) > 1) return []; // repeated already
  return [
    `A ${f.target} run varies with timing, so one replay may pass; how often it fails: ${replay} --repeat ${SUGGESTED_REPEAT}`,
  ];
}

/** How the failure was found and shrunk, for anything but the sim's own exact shrink. */
export function provenance(f: Failure): string[] {
  switch (f.shrunkOn) {
    case 'sim':
      return [];
    case 'sim-then-target':
      return [
        `Shrunk on the sim; failed again in ${f.reproduced.failed} of ${f.reproduced.runs} runs on the ${f.target} target`,
      ];
    case 'target':
      return [targetShrinkLine(f) + (shrinkStopped(f) !== undefined ? `; ${shrinkStopped(f)}` : '')];
    case 'none': {
      const why = {
        replay: 'a replay',
        corpus: 'from the failure corpus',
        interrupted: 'interrupted before shrinking',
      };
      const again = f.reproduced ? `; failed ${f.reproduced.failed} of ${f.reproduced.runs} runs on ${f.target}` : '';
      return [`Not shrunk (${why[f.reason]})${again}`];
    }
  }
}

/** How shrinking on the target went. Without a shrunk plan, `reproduced` counts the case found's
 *  runs, the exploration's (which failed) included: it was either never run again before shrinking
 *  stopped, or passed each time it was. */
function targetShrinkLine(f: Failure & { shrunkOn: 'target' }): string {
  const r = f.reproduced;
  // The case found failed again, so it shrank from there; a budget that ran out before a smaller
  // plan failed leaves the plan as found, which the heading calls not shrunk: so does this line.
  if (!r && shrinkStopped(f) !== undefined && f.shrunkEvents >= f.events)
    return `Not shrunk on the ${f.target} target: the case found failed again, and no smaller plan failed before shrinking stopped`;
  if (!r) return `Shrunk on the ${f.target} target`;
  const reruns = r.runs - 1;
  if (reruns === 0) return `Not shrunk on the ${f.target} target (the case found had not run again)`;
  const passed = reruns - (r.failed - 1);
  return (
    `Not shrunk on the ${f.target} target: the case found was not seen to fail again ` +
    `(passed ${passed} of ${count(reruns, 'rerun')}; failed ${r.failed} of ${r.runs} runs, the exploration's included)`
  );
}

/**
 * The exploration's one-line verdict, then its notes and what could not be judged. `asExpected`: a
 * run judged by the scenario's expectations found every verdict as expected, so its violations are
 * not a FAIL (the run passes).
 */
export function formatSummary(
  r: ExploreResult,
  asExpected = false,
  replay: (c: ReplayCase) => string = (c) => `--seed ${c.seed} --path "${c.path}"`,
): string {
  const unknown = r.properties.filter((p) => p.verdict === 'unknown');
  const inconclusive = judgedInNoRun(r.properties, r.runs);
  const verdict =
    // Nothing ran (an interrupt before the first run ended): there is no evidence for a PASS.
    r.verdict === 'none'
      ? 'NO VERDICT: no run completed'
      : r.verdict === 'fail'
        ? `${asExpected ? 'AS EXPECTED' : 'FAIL'}: ${violatedNames(r).join(', ')} violated`
        : // Cut short, a pass says only what the runs so far showed: not that every property held.
          r.interrupted
          ? `INTERRUPTED after ${count(r.runs, 'run')}: no property violated so far` +
            (unknown.length > 0 ? `, ${unknown.length} could not be judged` : '')
          : programRanInNoRun(r.programRuns, r.runs)
            ? `INCONCLUSIVE: no property violated, but the client program ran in 0 of ${count(r.runs, 'run')} ` +
              "(it starts at its plan's first deploy; nothing showed it holds: exit 1)"
            : inconclusive.length > 0
              ? `INCONCLUSIVE: no property violated, but ${inconclusive.join(', ')} judged in no run ` +
                `(nothing showed ${inconclusive.length === 1 ? 'it holds' : 'they hold'}: exit 1)`
              : unknown.length > 0
                ? `PASS: no property violated, ${unknown.length} could not be judged`
                : 'PASS: every property held';
  const interrupted = r.interrupted && r.verdict !== 'pass' ? ' (INTERRUPTED)' : '';
  const stopped = r.stoppedEarly;
  const runs = stopped
    ? `${r.runs} of ${count(stopped.plannedRuns, 'run')} (STOPPED by --time-limit ${formatMs(stopped.timeLimitMs)})`
    : count(r.runs, 'run');
  return [
    `${r.scenario} on ${r.target}: ${verdict}${interrupted} — ${runs}, seed ${r.seed}, ${r.runsPerSecond} runs/s, ${formatMs(r.elapsedMs)}`,
    ...(r.notes ?? []).map((note) => `  note: ${note}`),
    // A program started in only some runs was tested by those alone (it starts at a plan's first deploy).
    ...(r.programRuns !== undefined && r.programRuns > 0 && r.programRuns < r.runs
      ? [
          `  note: the client program ran in ${r.programRuns} of ${count(r.runs, 'run')} (the others' plans had no deploy)`,
        ]
      : []),
    // Properties this target can never judge (an external controller gives no records of its own):
    // one line for all, and no replay line, which would not judge them either.
    ...notJudgeableHere(r),
    // Every property that could not judge some run, violated ones too: a nightly run's reader sees
    // how many runs were not judged (a loaded machine's stalled deadlines, say) whatever the verdict.
    ...r.properties.flatMap((p) => {
      if (!p.unknownRuns || neverObserved(p)) return [];
      const first = firstUnknownCase(r.seed, p);
      const what = p.verdict === 'unknown' ? 'unknown' : `${p.verdict}, not judged`;
      return [
        `? ${p.property} ${what} in ${p.unknownRuns} of ${r.runs} runs: ${p.unknownReason}`,
        ...(first ? [`  first in run ${p.firstUnknownRun}: ${replay(first)}`] : []),
      ];
    }),
  ].join('\n');
}

/**
 * A --client-cmd run's summary (formatSummary's, its first line replaced): FAIL or PASS for the
 * client under test, with the violations the scenario expects of its `controller` named apart (they
 * do not fail it); INCONCLUSIVE, as summary.json and the exit code (1) say, when nothing failed it
 * but some property was judged in no run (robust.mjs on juju-1.22-old-release-line, process target,
 * 3 runs on a loaded machine: deployments-complete stalled in all 3, and the line said PASS, exit 1).
 */
export function formatClientVerdict(
  r: ExploreResult,
  mismatches: readonly string[],
  ofController: readonly string[],
  controller: string,
): string {
  const [first = '', ...rest] = formatSummary(r).split('\n');
  if (r.verdict === 'none' || (ofController.length === 0 && mismatches.length === 0))
    return [first, ...rest].join('\n');
  const theirs =
    ofController.length > 0
      ? `${ofController.join(', ')} violated as the scenario expects of its ${controller} controller`
      : '';
  const inconclusive = judgedInNoRun(r.properties, r.runs);
  const verdict =
    mismatches.length > 0
      ? `FAIL for your client: ${mismatches.join('; ')}${theirs ? `; also ${theirs}` : ''}`
      : programRanInNoRun(r.programRuns, r.runs)
        ? `INCONCLUSIVE for your client: the client program ran in 0 of ${count(r.runs, 'run')} ` +
          `(it starts at its plan's first deploy; nothing showed it holds: exit 1); ${theirs}`
        : inconclusive.length > 0
          ? `INCONCLUSIVE for your client: no property it is judged on was violated, but ${inconclusive.join(', ')} ` +
            `judged in no run (nothing showed ${inconclusive.length === 1 ? 'it holds' : 'they hold'}: exit 1); ${theirs}`
          : r.interrupted
            ? `INTERRUPTED after ${count(r.runs, 'run')}: no property your client is judged on violated so far; ${theirs}`
            : `PASS for your client: no property it is judged on was violated; ${theirs}`;
  const tail = first.slice(first.indexOf(' — '));
  return [`${r.scenario} on ${r.target}: ${verdict}${tail}`, ...rest].join('\n');
}

/** Unknown in every run because the target gives no controller-side records (properties/common.ts). */
function neverObserved(p: PropertyOutcome): boolean {
  return p.verdict === 'unknown' && notObservedOnTarget(p.unknownReason);
}

function notJudgeableHere(r: ExploreResult): string[] {
  const names = r.properties.filter(neverObserved).map((p) => p.property);
  if (names.length === 0) return [];
  return [
    `? not judgeable on the ${r.target} target, which gives none of the controller's own records ` +
      `(bootstrap, connections, requests): ${names.join(', ')}`,
  ];
}

/** Each violated property once, in the order of the failures (a corpus entry and a new case may
 *  both violate one). */
function violatedNames(r: ExploreResult): string[] {
  return [...new Set(r.failures.map((f) => f.property))];
}
