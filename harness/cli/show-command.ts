/**
 * `upgrade-chaos show [--full] FILE`: a saved failure's plan, violations and timeline, from
 * failure.json and the history.jsonl beside it, without running anything. A long timeline keeps the
 * lines that explain the violations (and its start and end); --full prints every line.
 */
import { readFailureFile } from '../report-folder.ts';
import { planReadingOf } from '../history.ts';
import { formatMs, formatPlan } from '../plan.ts';
import { formatTimeline } from '../../reports/timeline.ts';
import { showFullCommand } from '../../reports/console.ts';
import { planHeading, shrinkFactsOfRecord, shrunkOnPhrase } from '../../reports/plan-heading.ts';
import { parseFlags } from './options.ts';
import type { CommandIO } from './run-command.ts';
import { UsageError } from '../errors.ts';

const SHOW_FLAGS = { full: { type: 'boolean' }, 'log-level': { type: 'string' } } as const;

export function showCommand(argv: string[], io: CommandIO): number {
  const { values, positionals } = parseFlags(argv, SHOW_FLAGS, true);
  if (positionals.length !== 1) throw new UsageError('show takes one failure file (failures/<id>/failure.json)');
  const file = positionals[0]!;
  const { record, history } = readFailureFile(file);
  const target = record.settings.target;
  const facts = shrinkFactsOfRecord(record);
  io.out(
    [
      `${record.scenario.name} × ${record.property} (${record.id})`,
      `found on ${target.name}${target.clientCommand ? ` with --client-cmd ${target.clientCommand}` : ''}, ` +
        `seed ${record.seed}, path ${record.path}, ${shrunkOnPhrase(facts)}, saved ${record.savedAt}`,
      ...record.violations.map((v) => `  - [t=${formatMs(v.t)}] ${v.message}`),
      '',
      `${planHeading(facts)}:`,
      formatPlan(record.plan, history ? planReadingOf(history) : {}),
      '',
      history
        ? `Timeline:\n${formatTimeline(history, {
            focus: record.violations,
            fullHint: showFullCommand(file),
            ...(values.full ? { maxLines: Infinity } : {}),
          })}`
        : '(no history.jsonl beside the file: no timeline)',
      '',
      `History hash ${record.historyHash}`,
      `Replay: npx upgrade-chaos replay ${file}`,
    ].join('\n'),
  );
  return 0;
}
