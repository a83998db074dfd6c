/**
 * `upgrade-chaos report merge DIR... --out DIR`: merges the report folders of the shards of one run
 * (`run --shard i/n --report DIR` on n machines) into one: summary.json, failures/, junit.xml,
 * report.html and, for qualify, qualification.md. Exits 0 when the merged verdict passes, 1 when not.
 */
import { checkResultsFolder, readReportFolder, ReportFolder } from '../report-folder.ts';
import { mergeProblem, mergeReports, type Report } from '../../reports/merge.ts';
import { reportFiles } from '../../reports/report-files.ts';
import { parseFlags } from './options.ts';
import type { CommandIO } from './run-command.ts';
import { UsageError } from '../errors.ts';
import { count } from '../plural.ts';

const MERGE_FLAGS = {
  out: { type: 'string' },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

export async function reportCommand(argv: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'merge')
    throw new UsageError(`report takes a subcommand: report merge DIR... --out DIR (got ${sub ?? 'none'})`);
  const { values, positionals } = parseFlags(rest, MERGE_FLAGS, true);
  if (values.out === undefined) throw new UsageError('report merge needs --out DIR (where the merged report goes)');
  if (positionals.length === 0) throw new UsageError('report merge needs the report folders to merge');
  checkResultsFolder('--out', values.out);
  const inputs = positionals.map((dir) => ({ dir, report: readReportFolder(dir) }));
  const reports: Report[] = inputs.map((i) => i.report);
  const problem = mergeProblem(reports);
  if (problem) throw new UsageError(`report merge: ${problem}`);
  const merged = mergeReports(reports);
  const folder = ReportFolder.create(values.out);
  for (const f of merged.failures) {
    const from = inputs.find((i) => i.report.failures.includes(f))!;
    folder.copyFailure(from.dir, f);
  }
  folder.writeSummary(merged.summary);
  for (const [name, text] of Object.entries(reportFiles(merged.summary, merged.failures))) folder.writeFile(name, text);
  const { summary } = merged;
  const runs = summary.scenarios.reduce((n, s) => n + s.runs, 0);
  io.out(
    values.json
      ? JSON.stringify({ verdict: summary.verdict, runs, failures: merged.failures.length, out: values.out })
      : `Merged ${count(inputs.length, 'report')} into ${values.out}: ${summary.verdict.toUpperCase()}, ` +
          `${count(summary.scenarios.length, 'scenario')}, ${count(runs, 'run')}, ${count(merged.failures.length, 'failure')}` +
          (summary.interrupted ? ' (some shards were interrupted)' : ''),
  );
  return summary.verdict === 'pass' ? 0 : 1;
}
