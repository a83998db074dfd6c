/**
 * Where one invocation leaves its results, Jepsen style: a folder of its own (never reused, never
 * overwritten) holding summary.json, failures/<id>/ (failure.json, history.jsonl and the black-box
 * client's output), and with --report the readable reports: junit.xml, report.html and, for qualify,
 * qualification.md. Files are written as the run goes, each one whole (write, then rename), so an
 * interrupted run leaves valid files. The formatters live in reports/; this file only writes.
 */
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { commandStatus, type CommandOutput } from './clients/command-client.ts';
import { clientOutputsOf, type Failure } from './explore-result.ts';
import { failureId, failureRecord, parseFailureRecord, type FailureRecord } from './failure-record.ts';
import type { HistoryRecord } from './history.ts';
import type { RunConfig } from './run-config.ts';
import type { RunSettings } from './run-settings.ts';
import { toolInfo } from './tool-info.ts';
import { UsageError } from './errors.ts';
import { CLIENT_OUTPUT_FILE, FAILURE_FILE, HISTORY_FILE } from './failure-files.ts';
import type { SavedFailure, Summary } from '../reports/summary.ts';

export type { SavedFailure } from '../reports/summary.ts';

/** A folder name unique to this invocation: its start time, then random letters for two at once. */
export function invocationStamp(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
}

/** UsageError when `dir` holds a report already: results are never overwritten. */
export function refuseExistingReport(dir: string): void {
  if (existsSync(join(dir, 'summary.json')))
    throw new UsageError(`${dir} already holds a report: give another folder (results are never overwritten)`);
}

/**
 * UsageError unless `dir` (what `flag` names) is a folder results can be written in, or one that can
 * be made: checked before anything runs, so a file there, or a folder under a file or without write
 * permission, is one line and exit 2 up front rather than a crash after the runs. A dangling symlink
 * there or above is refused too (existsSync calls it absent, and mkdir then fails after the runs:
 * trial 13). The nearest existing folder is probed by making (and removing) a folder in it: that is
 * the one sound test of "a folder can be made here" (root passes every permission check, a read-only
 * mount refuses, and under /proc Node's recursive mkdir loops forever: trial 13).
 */
export function checkResultsFolder(flag: string, dir: string): void {
  const wanted = resolve(dir);
  let existing = wanted;
  while (!entryExists(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!existsSync(existing))
    throw new UsageError(
      `${flag} ${dir} cannot be made: ${existing} is a symlink to ${readlinkSync(existing)}, which does not exist`,
    );
  if (!statSync(existing).isDirectory())
    throw new UsageError(
      existing === wanted
        ? `${flag} ${dir} is a file, not a folder`
        : `${flag} ${dir} cannot be made: ${existing} is a file, not a folder`,
    );
  try {
    rmdirSync(mkdtempSync(join(existing, '.upgrade-chaos-probe-')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'EACCES' || code === 'EPERM'
        ? `${flag} ${dir} cannot be written: no permission to write in ${existing}`
        : `${flag} ${dir} cannot be made: ${existing} cannot hold a folder (${code ?? (e as Error).message})`,
    );
  }
}

/** Whether anything is at `path`, a dangling symlink included (existsSync follows links). */
function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export { FAILURE_FILE, HISTORY_FILE } from './failure-files.ts';

export class ReportFolder {
  private readonly ids = new Set<string>();

  private constructor(readonly dir: string) {}

  /** Opens `dir` for a new invocation; a folder that already holds a report is refused, never overwritten. */
  static create(dir: string): ReportFolder {
    refuseExistingReport(dir);
    mkdirSync(join(dir, 'failures'), { recursive: true });
    return new ReportFolder(dir);
  }

  /** Saves a failure (record, history, client output) under failures/<id>/. */
  saveFailure(config: RunConfig, f: Failure, settings: RunSettings): SavedFailure & { file: string } {
    const id = this.uniqueId(failureId(config, f));
    const folder = join(this.dir, 'failures', id);
    mkdirSync(folder, { recursive: true });
    const record = failureRecord(config, f, settings, { id, tool: toolInfo(), savedAt: new Date().toISOString() });
    const file = join(folder, FAILURE_FILE);
    writeWhole(file, JSON.stringify(record, null, 1) + '\n');
    writeWhole(join(folder, HISTORY_FILE), f.history.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const outputs = clientOutputsOf(f);
    if (outputs.length > 0) writeWhole(join(folder, CLIENT_OUTPUT_FILE), outputs.map(clientOutputText).join('\n'));
    return { record, history: f.history, folder: `failures/${id}`, file };
  }

  /** Copies a failure saved in another report folder (report merge); the same id is the same failure. */
  copyFailure(fromDir: string, f: SavedFailure): void {
    const to = join(this.dir, f.folder);
    if (existsSync(to)) return;
    cpSync(join(fromDir, f.folder), to, { recursive: true });
  }

  writeSummary(summary: Summary): void {
    writeWhole(join(this.dir, 'summary.json'), JSON.stringify(summary, null, 1) + '\n');
  }

  /** Writes a report file (junit.xml, report.html, qualification.md) at the folder's top. */
  writeFile(name: string, text: string): void {
    writeWhole(join(this.dir, name), text);
  }

  private uniqueId(base: string): string {
    let id = base;
    for (let n = 2; this.ids.has(id) || existsSync(join(this.dir, 'failures', id)); n++) id = `${base}-${n}`;
    this.ids.add(id);
    return id;
  }
}

/** Write to a temporary name, then rename: a reader (or an interrupt) never sees half a file. */
function writeWhole(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function clientOutputText(o: CommandOutput): string {
  const status = commandStatus(o);
  return `== ${o.client}: ${o.command} (${status})\n-- stdout\n${o.stdout}\n-- stderr\n${o.stderr}\n`;
}

/** Reads a failure file, and its history when history.jsonl lies beside it. */
export function readFailureFile(path: string): { record: FailureRecord; history?: HistoryRecord[] } {
  const text = readOrRefuse(path, 'failure file');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`failure file ${path} is not JSON`);
  }
  const parsed = parseFailureRecord(data);
  if ('error' in parsed) throw new UsageError(`failure file ${path}: ${parsed.error}`);
  const historyPath = join(path, '..', HISTORY_FILE);
  return existsSync(historyPath)
    ? { record: parsed.record, history: readHistory(historyPath) }
    : { record: parsed.record };
}

export function readHistory(path: string): HistoryRecord[] {
  return readOrRefuse(path, 'history file')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HistoryRecord);
}

/** A report folder read back: its summary and every saved failure with its history. */
export function readReportFolder(dir: string): { summary: Summary; failures: SavedFailure[] } {
  const summary = JSON.parse(readOrRefuse(join(dir, 'summary.json'), 'report summary')) as Summary;
  if (summary.format !== 'upgrade-chaos-summary/1')
    throw new UsageError(`${dir}/summary.json is not an upgrade-chaos summary (format ${String(summary.format)})`);
  const root = join(dir, 'failures');
  const ids = existsSync(root) ? readdirSync(root).sort() : [];
  const failures = ids
    .filter((id) => existsSync(join(root, id, FAILURE_FILE)))
    .map((id) => {
      const { record, history } = readFailureFile(join(root, id, FAILURE_FILE));
      return { record, history: history ?? [], folder: `failures/${id}` };
    });
  return { summary, failures };
}

function readOrRefuse(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
