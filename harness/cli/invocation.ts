/**
 * What `run` and `qualify` share around their explorations: the invocation's own results folder,
 * the seed said at the start, the progress line, the interrupt that stops the work, failures saved
 * once right after each exploration, summary.json rewritten after each scenario, and at the end the
 * reports and the exit code (130 when interrupted, whatever was found).
 *
 * The folder is made, and said on stderr, when there is something to keep in it: the first
 * exploration's result (an interrupt's included) or the end. A run that fails before (a --client-cmd
 * that cannot be run, a target that stops answering) leaves its one error line and no empty folder
 * behind. A folder that already holds a report is refused at once.
 */
import { join } from 'node:path';
import type { ExploreOptions, ExploreResult, Failure, ReplayCase } from '../explore-result.ts';
import { invocationStamp, refuseExistingReport, ReportFolder, type SavedFailure } from '../report-folder.ts';
import type { RunConfig } from '../run-config.ts';
import type { RunSettings } from '../run-settings.ts';
import { toolInfo } from '../tool-info.ts';
import { INTERRUPTED_EXIT_CODE, UsageError, type TargetError } from '../errors.ts';
import { listenForInterrupt, type Interrupt } from './interrupt.ts';
import { progressSink, type ProgressSink } from './progress.ts';
import { failureJson } from '../../reports/json.ts';
import { reportFiles } from '../../reports/report-files.ts';
import {
  scenarioSummary,
  summaryVerdict,
  SUMMARY_FORMAT,
  type ScenarioSummary,
  type Summary,
} from '../../reports/summary.ts';

export interface InvocationOptions {
  command: Summary['command'];
  judged: Summary['judged'];
  settings: RunSettings;
  /** `--report DIR`: results there, with junit.xml and report.html. */
  reportDir: string | undefined;
  /** `--out DIR`: results in DIR/<label>/<start time>/ (default upgrade-chaos-results). */
  outDir: string | undefined;
  label: string;
  /** Progress and notices go there. */
  stderr: NodeJS.WriteStream;
  /** Listening since before the command started anything (listenForInterrupt); else from now. */
  interrupt?: Interrupt;
  /** qualify --compare: the two controller profiles. */
  compare?: { old: string; new: string };
}

/** One scenario's exploration as saved: its summary entry and the failures with their files. */
export interface Recorded {
  scenario: ScenarioSummary;
  saved: Map<Failure, SavedFailure & { file: string }>;
}

export class Invocation {
  /** Where the results go (made on first use: see open()). */
  readonly dir: string;
  private opened: ReportFolder | undefined;
  readonly interrupt: Interrupt;
  private readonly progress: ProgressSink;
  private readonly summary: Summary;
  private readonly failures: SavedFailure[] = [];

  constructor(private readonly options: InvocationOptions) {
    if (options.reportDir !== undefined && options.outDir !== undefined)
      throw new UsageError('--report and --out both say where results go: give one');
    this.dir = options.reportDir ?? join(options.outDir ?? 'upgrade-chaos-results', options.label, invocationStamp());
    refuseExistingReport(this.dir);
    this.progress = progressSink(options.stderr);
    this.interrupt = options.interrupt ?? listenForInterrupt();
    this.interrupt.announceWith((name) => {
      this.progress.clear();
      options.stderr.write(`upgrade-chaos: ${name}: stopping, keeping what was found (again to quit at once)\n`);
    });
    const { settings } = options;
    this.summary = {
      format: SUMMARY_FORMAT,
      command: options.command,
      judged: options.judged,
      verdict: 'none',
      interrupted: false,
      settings,
      tool: { name: 'upgrade-chaos', ...toolInfo() },
      startedAt: new Date().toISOString(),
      scenarios: [],
      skipped: [],
      ...(options.compare ? { compare: options.compare } : {}),
    };
  }

  /** Says the seed and the target on stderr: once the target is open, so a user (or a test) who reads
   *  that line knows the runs are starting, and bad input refused before it prints its one line alone. */
  started(): void {
    const { settings } = this.options;
    const shard = settings.shard ? `, shard ${settings.shard.index}/${settings.shard.count}` : '';
    this.options.stderr.write(
      `upgrade-chaos ${this.options.command}: seed ${settings.seed} (--seed ${settings.seed} repeats it), ` +
        `target ${settings.target.name}${shard}\n`,
    );
  }

  /** The results folder: made, with its first summary.json, and said on stderr on first use. */
  private open(): ReportFolder {
    if (this.opened) return this.opened;
    this.opened = ReportFolder.create(this.dir);
    this.opened.writeSummary(this.summary);
    this.progress.clear();
    this.options.stderr.write(`upgrade-chaos ${this.options.command}: results in ${this.dir}\n`);
    return this.opened;
  }

  get interrupted(): boolean {
    return this.interrupt.signal.aborted;
  }

  /** The exploration options with the interrupt and the progress line attached. */
  exploreOptions<T extends ExploreOptions>(options: T): T {
    return { ...options, signal: this.interrupt.signal, onProgress: this.progress.onProgress, onStatus: this.onStatus };
  }

  /** What a run in flight waits for, shown on the progress line. */
  get onStatus(): (line: string) => void {
    return this.progress.onStatus;
  }

  /** Saves the exploration's failures (once, before anything is formatted) and updates summary.json. */
  record(config: RunConfig, result: ExploreResult, replay: (f: ReplayCase) => string): Recorded {
    this.progress.clear();
    const saved = new Map<Failure, SavedFailure & { file: string }>();
    for (const f of result.failures) saved.set(f, this.open().saveFailure(config, f, this.options.settings));
    this.failures.push(...saved.values());
    const failures = result.failures.map((f) => ({ ...failureJson(f, replay(f)), id: saved.get(f)!.record.id }));
    const scenario = scenarioSummary(config, result, failures, this.options.judged, this.options.settings, replay);
    this.summary.scenarios.push(scenario);
    this.summary.verdict = summaryVerdict(this.summary.scenarios, this.options.judged, this.interrupted);
    this.open().writeSummary(this.summary);
    return { scenario, saved };
  }

  /** Marks the end (and an interrupt), writes the summary and, with --report, the readable reports.
   *  `verdict` replaces the one judged from the scenarios (qualify --compare judges regressions). */
  finish(skipped: string[] = [], verdict?: Summary['verdict']): Summary {
    this.progress.clear();
    this.interrupt.dispose();
    this.summary.skipped = skipped;
    // An interrupt may come after the last scenario was recorded (the next one never started).
    this.summary.verdict = verdict ?? summaryVerdict(this.summary.scenarios, this.options.judged, this.interrupted);
    this.summary.interrupted = this.interrupted;
    this.summary.endedAt = new Date().toISOString();
    this.open().writeSummary(this.summary);
    if (this.options.reportDir !== undefined)
      for (const [name, text] of Object.entries(reportFiles(this.summary, this.failures)))
        this.open().writeFile(name, text);
    return this.summary;
  }

  /** A target failure stopped the invocation midway: summary.json says so (verdict `error`, the
   *  message, endedAt) and the reports are written from what was found before it, which stays. */
  stoppedByTarget(error: TargetError, skipped: string[] = []): Summary {
    this.summary.targetError = error.message;
    return this.finish(skipped, 'error');
  }

  /** 130 when interrupted, else what the verdict says. */
  exitCode(passed: boolean): number {
    if (this.interrupted) return INTERRUPTED_EXIT_CODE;
    return passed ? 0 : 1;
  }
}
