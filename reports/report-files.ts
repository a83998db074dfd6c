/** The readable reports of a results folder, by file name: what `--report` and `report merge` write. */
import { formatHtmlReport } from './html-report.ts';
import { formatJunit } from './junit.ts';
import { formatQualificationMd } from './qualification-md.ts';
import type { SavedFailure, Summary } from './summary.ts';

export function reportFiles(summary: Summary, failures: readonly SavedFailure[]): Record<string, string> {
  return {
    'junit.xml': formatJunit(summary),
    'report.html': formatHtmlReport(summary, failures),
    ...(summary.command === 'qualify' ? { 'qualification.md': formatQualificationMd(summary) } : {}),
  };
}
