/**
 * report.html: one self-contained page (inline CSS, inline SVG, no script, nothing fetched) that a
 * person opens from a CI artifact: the run's settings, the verdict matrix (scenario × property,
 * expected against observed), then each failure with its violations, replay command, shrunk plan
 * and SVG timeline (reports/svg-timeline.ts). Pure: a string from the summary and the failures.
 */
import { planReadingOf } from '../harness/history.ts';
import { formatMs, formatPlan } from '../harness/plan.ts';
import { PROPERTY_NAMES } from '../properties/property.ts';
import { svgTimeline } from './svg-timeline.ts';
import { escapeXml as esc } from './xml.ts';
import { observedVerdict, type SavedFailure, type ScenarioSummary, type Summary } from './summary.ts';
import { planHeading, shrinkFactsOfRecord, shrunkOnPhrase } from './plan-heading.ts';
import { formatClientOutput } from './client-output.ts';
import { CLIENT_OUTPUT_FILE, FAILURE_FILE, HISTORY_FILE } from '../harness/failure-files.ts';
import { judgeOutcome, MARKS, NOT_IN_SHARD, type Judged } from './expectation.ts';

const JUDGED_BY: Record<Judged, string> = {
  properties: 'properties (any violation fails)',
  expectations: 'expected verdicts',
  'client-command': "the client under test: its properties must hold; the controller's keep the scenario's expectation",
};

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 24px; color: #212529; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; } h3 { font-size: 15px; }
.pass { color: #2b8a3e; } .fail { color: #c92a2a; } .interrupted { background: #fff3bf; padding: 8px; }
table.matrix { border-collapse: collapse; font-size: 13px; }
table.matrix th, table.matrix td { border: 1px solid #dee2e6; padding: 4px 8px; text-align: center; }
table.matrix td.name { text-align: left; font-family: monospace; }
td.ok { background: #ebfbee; } td.unknown { background: #fff9db; } td.bad { background: #ffe3e3; } td.none { color: #adb5bd; }
code, pre { background: #f1f3f5; padding: 2px 4px; font-size: 12px; }
pre { padding: 8px; overflow-x: auto; white-space: pre-wrap; }
section.failure { border-top: 2px solid #dee2e6; margin-top: 24px; }
dl.settings { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; font-size: 13px; }
dl.settings dt { font-weight: 600; }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.swatch { display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: middle; }
`;

export function formatHtmlReport(summary: Summary, failures: readonly SavedFailure[]): string {
  const shown = summary.verdict === 'none' ? 'NO VERDICT' : summary.verdict.toUpperCase();
  const title = `upgrade-chaos ${summary.command}: ${shown}`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>upgrade-chaos ${esc(summary.command)}: <span class="${summary.verdict}">${shown}</span></h1>
${summary.targetError !== undefined ? `<p class="interrupted">Stopped by a target failure: ${esc(summary.targetError)}. This report holds what was found before it.</p>` : ''}
${summary.interrupted ? '<p class="interrupted">Interrupted: this report holds what was found before the run was stopped.</p>' : ''}
${settings(summary)}
<h2>Verdicts</h2>
${matrix(summary)}
<h2>Failures (${failures.length})</h2>
${failures.length ? legend() : '<p>None.</p>'}
${failures.map((f) => failureSection(summary, f)).join('\n')}
</body>
</html>
`;
}

function settings(summary: Summary): string {
  const s = summary.settings;
  const rows: [string, string][] = [
    ['seed', String(s.seed)],
    ['runs per scenario', String(s.runs)],
    ['strategy', s.strategy],
    ['target', s.target.name + (s.target.timeScale !== undefined ? ` (time scale ${s.target.timeScale})` : '')],
    ...(s.target.clientCommand !== undefined ? [['client command', s.target.clientCommand] as [string, string]] : []),
    ...(s.shard ? [['shard', `${s.shard.index}/${s.shard.count}`] as [string, string]] : []),
    ...(summary.mergedFrom ? [['merged from', `${summary.mergedFrom} reports`] as [string, string]] : []),
    ['judged by', JUDGED_BY[summary.judged]],
    ['started', summary.startedAt],
    ['ended', summary.endedAt ?? '(still running)'],
    [
      'tool',
      `upgrade-chaos ${summary.tool.version}${summary.tool.commit ? ` (${summary.tool.commit.slice(0, 12)})` : ''}`,
    ],
  ];
  return `<dl class="settings">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

function matrix(summary: Summary): string {
  const head = `<tr><th>scenario</th><th>controller × client</th>${PROPERTY_NAMES.map((p) => `<th>${esc(p)}</th>`).join('')}<th>runs</th><th>time</th></tr>`;
  const rows = summary.scenarios.map((s) => {
    const cells = PROPERTY_NAMES.map((p) => cell(summary, s, p)).join('');
    return `<tr><td class="name">${esc(s.scenario)}</td><td>${esc(`${s.controller} × ${s.client}`)}</td>${cells}<td>${s.runs}</td><td>${esc(formatMs(s.elapsedMs))}</td></tr>`;
  });
  return `<table class="matrix">${head}${rows.join('')}</table>`;
}

function cell(summary: Summary, s: ScenarioSummary, property: (typeof PROPERTY_NAMES)[number]): string {
  const outcome = s.outcomes.find((o) => o.property === property);
  if (!outcome) return '<td class="none">·</td>';
  const observed = observedVerdict(outcome);
  const expected = s.expected[property];
  const judgement = judgeOutcome(summary.judged, property, expected, observed, summary.settings.shard !== undefined);
  const good = judgement !== 'differs';
  const failure = s.failures.find((f) => f.property === property);
  const unknown = observed === 'unknown' && good;
  const text = `${unknown ? '?' : MARKS[judgement]} ${observed}`;
  const link = failure ? `<a href="#${esc(failure.id)}">${text}</a>` : text;
  const why =
    observed === 'unknown' ? `could not judge ${outcome.unknownRuns ?? 0} run(s): ${outcome.unknownReason ?? ''}` : '';
  const shard = judgement === 'not-in-shard' ? NOT_IN_SHARD : '';
  const title = [expected ? `expected ${expected}` : '', why, shard].filter(Boolean).join('; ');
  return `<td class="${unknown ? 'unknown' : good ? 'ok' : 'bad'}"${title ? ` title="${esc(title)}"` : ''}>${link}</td>`;
}

function legend(): string {
  const item = (color: string, label: string) =>
    `<span><i class="swatch" style="background:${color}"></i>${esc(label)}</span>`;
  return `<p class="legend">${[
    item('#fff1b8', 'upgrade window'),
    item('#e5dbff', 'agent restart'),
    item('#868e96', 'partition'),
    item('#b197fc', 'slow link'),
    item('#ffd8a8', 'controller paused'),
    item('#2f9e44', 'deploy ok'),
    item('#e03131', 'deploy failed'),
    item('#f08c00', 'deploy indeterminate'),
    item('#4dabf7', 'API call'),
    item('#c92a2a', 'violation'),
  ].join('')} ✕ connection dropped · ● controller event (hover for details)</p>`;
}

function failureSection(summary: Summary, f: SavedFailure): string {
  const r = f.record;
  const listed = summary.scenarios.flatMap((s) => s.failures).find((x) => x.id === r.id);
  const plan = formatPlan(r.plan, planReadingOf(f.history));
  const facts = shrinkFactsOfRecord(r);
  const files = [FAILURE_FILE, HISTORY_FILE, ...(r.clientOutputs?.length ? [CLIENT_OUTPUT_FILE] : [])].map(
    (name) => `<a href="${esc(`${f.folder}/${name}`)}"><code>${esc(f.folder)}/${esc(name)}</code></a>`,
  );
  const violations = r.violations.map((v) => `<li>[t=${esc(formatMs(v.t))}] ${esc(v.message)}</li>`).join('');
  return `<section class="failure" id="${esc(r.id)}">
<h3>${esc(r.scenario.name)} × ${esc(r.property)}</h3>
<ul>${violations}</ul>
${listed ? `<p>Replay: <code>${esc(listed.replay)}</code></p>` : ''}
<p>Files: ${files.join(', ')} · ${esc(shrunkOnPhrase(facts))} · history hash <code>${esc(r.historyHash)}</code></p>
<p>${esc(planHeading(facts))}:</p>
<pre>${esc(plan)}</pre>
${clientOutputSection(f)}
${svgTimeline(f.history, r.violations, r.id)}
</section>`;
}

/** The end of what a --client-cmd program printed (its whole output is in the linked file). */
function clientOutputSection(f: SavedFailure): string {
  const outputs = f.record.clientOutputs ?? [];
  if (outputs.length === 0) return '';
  return `<p>The program's output (the end of it; all of it in <a href="${esc(`${f.folder}/${CLIENT_OUTPUT_FILE}`)}">${esc(CLIENT_OUTPUT_FILE)}</a>):</p>
<pre class="client-output">${esc(outputs.map(formatClientOutput).join('\n'))}</pre>`;
}
