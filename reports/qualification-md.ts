/**
 * qualification.md: the qualification as a release manager reads it in a merge request or a
 * release ticket. Regressions come first, each with the command that replays it; then the matrix
 * (scenario × property, ✓ as expected, ✗ not); then how the run was made. With --compare, a
 * regression is a property the new controller violates and the old one never did.
 */
import { formatMs } from '../harness/plan.ts';
import { PROPERTY_NAMES } from '../properties/property.ts';
import { observedVerdict, type ScenarioSummary, type Summary, type SummaryFailure } from './summary.ts';
import { judgeExpectation, MARKS, unexpectedPass } from './expectation.ts';

interface Regression {
  scenario: string;
  property: string;
  why: string;
  failure?: SummaryFailure;
}

export function formatQualificationMd(summary: Summary): string {
  const regressions = summary.compare ? compareRegressions(summary, summary.compare) : expectationRegressions(summary);
  const verdict =
    summary.targetError !== undefined
      ? '**ERROR**: the target failed'
      : regressions.length === 0
        ? '**PASS**'
        : `**FAIL**: ${regressions.length} regression(s)`;
  const lines = [
    `# upgrade-chaos qualification: ${verdict}`,
    '',
    ...(summary.targetError !== undefined
      ? [`> Stopped by a target failure: ${summary.targetError}. What follows is what was found before it.`, '']
      : []),
    ...(summary.interrupted ? ['> Interrupted: what follows is what was found before the run was stopped.', ''] : []),
    `Target \`${summary.settings.target.name}\`, seed ${summary.settings.seed}, up to ${summary.settings.runs} runs ` +
      `per scenario, strategy \`${summary.settings.strategy}\`` +
      (summary.compare ? `, \`${summary.compare.old}\` (old) against \`${summary.compare.new}\` (new)` : '') +
      '.',
    '',
    '## Regressions',
    '',
    ...(regressions.length === 0 ? ['None.'] : regressions.flatMap(regressionLines)),
    '',
    '## Matrix',
    '',
    ...matrix(summary),
    '',
    `_${summary.tool.name} ${summary.tool.version}${summary.tool.commit ? ` (${summary.tool.commit.slice(0, 12)})` : ''}, ` +
      `${summary.startedAt} – ${summary.endedAt ?? 'running'}_`,
  ];
  return lines.join('\n') + '\n';
}

function regressionLines(r: Regression): string[] {
  return [
    `- **${r.scenario} × ${r.property}**: ${r.why}`,
    ...(r.failure ? ['', '  ```sh', `  ${r.failure.replay}`, '  ```'] : []),
  ];
}

function expectationRegressions(summary: Summary): Regression[] {
  return summary.scenarios.flatMap((s) =>
    s.outcomes.flatMap((o): Regression[] => {
      const expected = s.expected[o.property];
      const observed = observedVerdict(o);
      if (judgeExpectation(expected, observed, summary.settings.shard !== undefined) !== 'differs') return [];
      const failure = s.failures.find((f) => f.property === o.property);
      const why =
        observed === 'violated'
          ? `expected held, violated (first at run ${o.firstFailureRun ?? '?'})`
          : `expected violated, held in ${s.runs} runs (${unexpectedPass(s.runs)})`;
      return [{ scenario: s.scenario, property: o.property, why, ...(failure ? { failure } : {}) }];
    }),
  );
}

function compareRegressions(summary: Summary, compare: { old: string; new: string }): Regression[] {
  const out: Regression[] = [];
  for (const newer of summary.scenarios.filter((s) => s.controller === compare.new)) {
    const older = summary.scenarios.find((s) => s.scenario === newer.scenario && s.controller === compare.old);
    for (const o of newer.outcomes) {
      const before = older?.outcomes.find((p) => p.property === o.property);
      if (!o.violated || (before?.violatingRuns ?? 0) > 0) continue;
      const failure = newer.failures.find((f) => f.property === o.property);
      out.push({
        scenario: newer.scenario,
        property: o.property,
        why: `${compare.new} failed ${o.violatingRuns ?? 0} of ${newer.runs} runs, ${compare.old} none of ${older?.runs ?? 0}`,
        ...(failure ? { failure } : {}),
      });
    }
  }
  return out;
}

function matrix(summary: Summary): string[] {
  const header = `| scenario | controller | ${PROPERTY_NAMES.join(' | ')} | runs | time |`;
  const rule = `|${' --- |'.repeat(PROPERTY_NAMES.length + 4)}`;
  return [header, rule, ...summary.scenarios.map((s) => row(summary, s))];
}

function row(summary: Summary, s: ScenarioSummary): string {
  const cells = PROPERTY_NAMES.map((p) => {
    const o = s.outcomes.find((x) => x.property === p);
    if (!o) return '·';
    const expected = s.expected[p];
    const observed = observedVerdict(o);
    if (summary.compare) return o.violated ? `${o.violatingRuns ?? 0} failing` : 'held';
    return `${MARKS[judgeExpectation(expected, observed, summary.settings.shard !== undefined)]} ${observed}`;
  });
  return `| ${s.scenario} | ${s.controller} | ${cells.join(' | ')} | ${s.runs} | ${formatMs(s.elapsedMs)} |`;
}
