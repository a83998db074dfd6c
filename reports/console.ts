/** What a person reads at the end of a run: the verdict, and each race found, ready to replay. */
import type { CommandOutput } from '../harness/clients/command-client.ts';
import { clientOutputsOf, type ExploreResult, type Failure } from '../harness/explore-result.ts';
import { formatMs, formatPlan } from '../harness/plan.ts';
import { formatTimeline } from './timeline.ts';

export function formatFailure(f: Failure, replay: string, savedTo?: string): string {
  const violations = f.violations.slice(0, 5).map((v) => `  - [t=${formatMs(v.t)}] ${v.message}`);
  if (f.violations.length > 5) violations.push(`  - ... and ${f.violations.length - 5} more`);
  return [
    `✗ ${f.property} violated`,
    ...violations,
    ``,
    `Shrunk plan (${f.shrunkEvents} events, from ${f.events}; sim seed ${f.simSeed}):`,
    formatPlan(f.plan),
    ``,
    `Timeline:`,
    formatTimeline(f.history),
    ``,
    ...provenance(f),
    ...clientOutputsOf(f).map(formatClientOutput),
    `History hash ${f.historyHash}${savedTo ? `; saved to ${savedTo}` : ''}`,
    `Replay: ${replay}`,
  ].join('\n');
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
      return [
        `Shrunk on the ${f.target} target` +
          (f.reproduced
            ? `; not seen again while shrinking (failed ${f.reproduced.failed} of ${f.reproduced.runs})`
            : ''),
      ];
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

export function formatSummary(r: ExploreResult): string {
  const unknown = r.properties.filter((p) => p.verdict === 'unknown');
  const verdict =
    r.verdict === 'fail'
      ? `FAIL: ${r.failures.map((f) => f.property).join(', ')} violated`
      : unknown.length > 0
        ? `PASS: no property violated, ${unknown.length} could not be judged`
        : 'PASS: every property held';
  const interrupted = r.interrupted ? ' (INTERRUPTED)' : '';
  return [
    `${r.scenario} on ${r.target}: ${verdict}${interrupted} — ${r.runs} runs, seed ${r.seed}, ${r.runsPerSecond} runs/s, ${formatMs(r.elapsedMs)}`,
    ...(r.notes ?? []).map((note) => `  note: ${note}`),
    ...unknown.map((p) => `? ${p.property} unknown in ${p.unknownRuns} of ${r.runs} runs: ${p.unknownReason}`),
  ].join('\n');
}

/** The end of what a --client-cmd program printed (the failure file keeps all of it). */
function formatClientOutput(o: CommandOutput): string {
  const tail = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .slice(-15)
      .map((l) => `    ${l}`)
      .join('\n');
  const status = o.timedOut ? 'killed at its deadline' : o.signal ? `killed by ${o.signal}` : `exited ${o.exitCode}`;
  return (
    [
      `${o.client} ran ${o.command}: ${status}`,
      o.stdout.trim() ? `  stdout:\n${tail(o.stdout)}` : '',
      o.stderr.trim() ? `  stderr:\n${tail(o.stderr)}` : '',
    ]
      .filter(Boolean)
      .join('\n') + '\n'
  );
}
