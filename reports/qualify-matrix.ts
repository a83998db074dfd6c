/**
 * The qualification as a person reads it: a matrix of scenarios × properties (✓ when the observed
 * verdict is the expected one, ✗ when not, ~ for an expected violation a shard did not see, · for a
 * property the scenario does not claim), each
 * scenario's runs and time, then every violation with how fast it was found and its replay
 * command, then the mismatches.
 */
import { formatMs } from '../harness/plan.ts';
import { PROPERTY_NAMES, type PropertyName } from '../properties/property.ts';
import { matches, type QualifyReport } from './qualify-report.ts';
import { MARKS, NOT_IN_SHARD, unexpectedPass } from './expectation.ts';
import { count } from '../harness/plural.ts';

/** Column headings short enough for a terminal; the legend spells them out. */
const SHORT: Record<PropertyName, string> = {
  'no-work-before-upgrade': 'no-work',
  'watchers-resume': 'watchers',
  'deployments-complete': 'deploys',
  'requests-settle': 'requests',
  'version-as-tested': 'version',
  'no-surprise-upgrade': 'surprise',
  'no-lost-work': 'lost-work',
  'watcher-lifecycle': 'watch-life',
  'agent-lifecycle': 'agent-life',
  'upgrade-sequence': 'upg-seq',
  'reconnect-backoff': 'backoff',
  'apps-as-asked': 'apps',
  'charm-as-asked': 'charm',
};
const CELL = 11;

export function formatQualifyMatrix(report: QualifyReport): string {
  const nameWidth = Math.max(8, ...report.scenarios.map((s) => s.name.length)) + 2;
  const lines: string[] = [
    `Qualification on ${report.target}: ${count(report.scenarios.length, 'scenario')}, up to ${count(report.runs, 'run')} each, ` +
      `seed ${report.seed}, strategy ${report.strategy}`,
    '',
    'scenario'.padEnd(nameWidth) +
      PROPERTY_NAMES.map((p) => SHORT[p].padEnd(CELL)).join('') +
      'runs'.padStart(7) +
      'time'.padStart(9),
  ];
  for (const s of report.scenarios) {
    const cells = PROPERTY_NAMES.map((name) => {
      const p = s.properties.find((q) => q.property === name);
      if (!p) return '·'.padEnd(CELL);
      return `${p.notInShard ? MARKS['not-in-shard'] : matches(p) ? '✓' : '✗'} ${p.observed}`.padEnd(CELL);
    });
    lines.push(
      s.name.padEnd(nameWidth) + cells.join('') + String(s.runs).padStart(7) + formatMs(s.elapsedMs).padStart(9),
    );
  }
  lines.push('', `legend: ${PROPERTY_NAMES.map((p) => `${SHORT[p]} = ${p}`).join(', ')}`);
  if (report.scenarios.some((s) => s.properties.some((p) => p.notInShard)))
    lines.push(`${MARKS['not-in-shard']} = ${NOT_IN_SHARD}`);

  const violations = report.scenarios.flatMap((s) => s.properties.filter((p) => p.failure).map((p) => ({ s, p })));
  if (violations.length > 0) {
    lines.push('', 'Violations (first failing run, time to it, shrunk plan length):');
    for (const { s, p } of violations) {
      const f = p.failure!;
      lines.push(
        `  ${matches(p) ? '✓' : '✗'} ${s.name} × ${p.property}: run ${p.runs}${p.ms !== undefined ? `, ${formatMs(p.ms)}` : ''}, ` +
          `${count(f.shrunkEvents, 'event')} (from ${f.events})`,
        `      ${p.replay}`,
      );
    }
  }

  const mismatches = report.scenarios.flatMap((s) => s.properties.filter((p) => !matches(p)).map((p) => ({ s, p })));
  lines.push('');
  if (mismatches.length === 0) {
    const claims = report.scenarios.reduce((n, s) => n + s.properties.length, 0);
    lines.push(
      `PASS: all ${count(claims, 'verdict')} in ${count(report.scenarios.length, 'scenario')} match their expectations.`,
    );
  } else {
    lines.push(
      `FAIL: ${count(mismatches.length, 'verdict')} differ${mismatches.length === 1 ? 's' : ''} from the expectations:`,
    );
    for (const { s, p } of mismatches) {
      lines.push(
        `  ✗ ${s.name} × ${p.property}: expected ${p.expected}, observed ${p.observed} after ${count(p.runs, 'run')}` +
          (p.observed === 'held' ? ` (${unexpectedPass(p.runs)})` : '') +
          (p.observed === 'unknown' ? `: ${p.reason ?? 'could not judge'}` : ''),
      );
    }
  }
  return lines.join('\n');
}
