/**
 * A pool of sim worker threads (sim-worker.ts). For each survey the main thread sends the
 * exploration's options once, then ranges of case indexes; each worker draws and runs the cases
 * of its ranges and answers with what they violated. explore-on-workers.ts hands the ranges out
 * and notes the answers in case order, which gives the sequential result.
 */
import type { Worker } from 'node:worker_threads';
import type { RunConfig } from '../run-config.ts';
import { NondeterminismError, TargetError, UsageError } from '../errors.ts';
import { shipConfig, type RangeAnswer, type ShippedOptions, type ToWorker, type WorkerError } from './messages.ts';
import { takePrestartedWorker } from './prestart.ts';
import { startSimWorker } from './worker-entry.ts';

/** Ranges a worker holds at once: one running and one waiting, so it never idles while the
 *  main thread notes its last answer and sends the next. */
const RANGES_PER_WORKER = 2;

interface PoolWorker {
  worker: Worker;
  /** Ranges sent and not answered, by sequence number. */
  pending: Map<number, (answer: RangeAnswer) => void>;
  failed?: Error;
}

export class SimPool {
  private readonly workers: PoolWorker[];
  private readonly configIds = new WeakMap<RunConfig, number>();
  private nextConfigId = 1;
  private nextSurveyId = 1;
  private nextSeq = 1;
  /** Resolves at the next answer of any worker (a range, of any survey, or a failure). */
  private answered = deferred();

  constructor(readonly size: number) {
    this.workers = Array.from({ length: size }, () => this.startWorker());
  }

  /** Whether `config` can travel to a worker (shipConfig); if not, explore it in-process. */
  canRun(config: RunConfig): boolean {
    return shipConfig(config) !== undefined;
  }

  /** Tells every worker about a survey of `config` with `options`; its id, for sendRange and
   *  endSurvey. The config must be one that can run here (canRun). */
  openSurvey(config: RunConfig, options: ShippedOptions): number {
    const configId = this.configId(config);
    const id = this.nextSurveyId++;
    this.broadcast({ kind: 'survey', id, config: configId, options });
    return id;
  }

  /** Runs the cases at indexes [from, to) of a survey on the least busy worker; undefined when
   *  every worker holds as many ranges as it should (send again once one answers). Never
   *  rejects: a worker that failed answers with its error. */
  sendRange(survey: number, from: number, to: number): Promise<RangeAnswer> | undefined {
    const target = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    if (target.failed) return Promise.resolve(failedAnswer(target.failed));
    if (target.pending.size >= RANGES_PER_WORKER) return undefined;
    const seq = this.nextSeq++;
    return new Promise((resolve) => {
      if (target.pending.size === 0) target.worker.ref();
      target.pending.set(seq, resolve);
      target.worker.postMessage({ kind: 'range', seq, survey, from, to } satisfies ToWorker);
    });
  }

  /** Resolves when some worker next answers: a worker may have room again (sendRange). */
  nextAnswer(): Promise<void> {
    return this.answered.promise;
  }

  /** The survey is over: workers forget it (after any of its ranges they still hold). */
  endSurvey(survey: number): void {
    this.broadcast({ kind: 'end', survey });
  }

  /** Stops every worker. Not awaited: a worker left running ranges by an interrupt may never
   *  settle terminate() (seen: Node ended the command with 13, an unsettled top-level await, before
   *  its reports were written); a terminated worker holds the process no longer either way. */
  close(): Promise<void> {
    for (const w of this.workers) void w.worker.terminate();
    return Promise.resolve();
  }

  private broadcast(message: ToWorker): void {
    for (const w of this.workers) w.worker.postMessage(message);
  }

  private configId(config: RunConfig): number {
    const known = this.configIds.get(config);
    if (known !== undefined) return known;
    const shipped = shipConfig(config);
    if (!shipped) throw new Error(`SimPool: the config of ${config.scenario.name} cannot travel to a worker`);
    const id = this.nextConfigId++;
    this.broadcast({ kind: 'config', id, config: shipped });
    this.configIds.set(config, id);
    return id;
  }

  /** A worker the shim started before the command loaded (prestart.ts), else a new one. */
  private startWorker(): PoolWorker {
    const prestarted = takePrestartedWorker();
    const entry: PoolWorker = { worker: prestarted?.worker ?? startSimWorker(), pending: new Map() };
    entry.worker.unref(); // idle workers keep nothing alive; sendRange() refs a worker while it is busy
    entry.worker.on('message', (answer: RangeAnswer) => {
      const resolve = entry.pending.get(answer.seq);
      entry.pending.delete(answer.seq);
      if (entry.pending.size === 0) entry.worker.unref();
      resolve?.(answer);
      this.announceAnswer();
    });
    const fail = (error: Error): void => {
      entry.failed ??= error;
      for (const resolve of entry.pending.values()) resolve(failedAnswer(error));
      entry.pending.clear();
      this.announceAnswer();
    };
    entry.worker.on('error', fail);
    entry.worker.on('exit', (code) => fail(new Error(`a sim worker exited (code ${code})`)));
    if (prestarted?.ended) fail(prestarted.ended);
    return entry;
  }

  private announceAnswer(): void {
    const { resolve } = this.answered;
    this.answered = deferred();
    resolve();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function failedAnswer(error: Error): RangeAnswer {
  return { seq: 0, ran: 0, notable: [], error: { name: error.name, message: error.message } };
}

/** The worker's error as the class main.ts maps to an exit code (errors.ts), with its stack. */
export function rebuildError(e: WorkerError): Error {
  const Class =
    e.name === 'NondeterminismError'
      ? NondeterminismError
      : e.name === 'UsageError'
        ? UsageError
        : e.name === 'TargetError'
          ? TargetError
          : Error;
  const error = new Class(e.message);
  if (e.stack) error.stack = e.stack;
  return error;
}
