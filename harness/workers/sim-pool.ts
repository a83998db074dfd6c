/**
 * A pool of sim worker threads (sim-worker.ts). The main thread draws cases with fast-check and
 * sends them in batches; each worker runs its batches in turn and answers with what each case
 * violated. explore-on-workers.ts turns that into an exploration with the sequential result.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { CaseRunner } from '../ordered-survey.ts';
import type { RunConfig } from '../run-config.ts';
import type { CaseOptions, CaseOutcome } from '../runner.ts';
import type { Case } from '../strategies/index.ts';
import { NondeterminismError, TargetError, UsageError } from '../errors.ts';
import { shipConfig, type FromWorker, type ToWorker, type WorkerError } from './messages.ts';
import { startSimWorker } from './worker-entry.ts';

/** Cases per message: enough that messaging costs little next to running them (a case takes
 *  about 0.1 to 0.5 ms), few enough that a small exploration still spreads over every worker. */
export const BATCH_CASES = 50;

/** Fewer cases than this per worker are faster run in-process than on a worker started for them. */
const MIN_CASES_PER_WORKER = 1_000;

/** `--workers` when not given: one per core, but none beyond what the exploration can use. */
export function defaultWorkers(totalCases: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(totalCases / MIN_CASES_PER_WORKER)));
}

interface PoolWorker {
  worker: Worker;
  /** Batches sent and not answered, by sequence number. */
  pending: Map<number, (answer: FromWorker) => void>;
  failed?: Error;
}

export class SimPool {
  private readonly workers: PoolWorker[];
  private readonly configIds = new WeakMap<RunConfig, number>();
  private nextConfigId = 1;
  private nextSeq = 1;

  constructor(readonly size: number) {
    this.workers = Array.from({ length: size }, () => this.startWorker());
  }

  /** Cases kept in flight: two batches per worker, so none waits while its next batch is drawn. */
  get inFlight(): number {
    return this.size * BATCH_CASES * 2;
  }

  /** Runs `config`'s cases on the workers; undefined when the config cannot travel (shipConfig). */
  runner(config: RunConfig, options: CaseOptions): CaseRunner<CaseOutcome> | undefined {
    const id = this.configId(config);
    return id === undefined ? undefined : new BatchRunner(this, id, options);
  }

  /** Sends a batch to the least busy worker. */
  send(config: number, options: CaseOptions, cases: Case[]): Promise<FromWorker> {
    const target = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    if (target.failed) return Promise.reject(target.failed);
    const seq = this.nextSeq++;
    const message: ToWorker = { kind: 'batch', seq, config, options, casesJson: JSON.stringify(cases) };
    return new Promise((resolve) => {
      if (target.pending.size === 0) target.worker.ref();
      target.pending.set(seq, resolve);
      target.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private configId(config: RunConfig): number | undefined {
    const known = this.configIds.get(config);
    if (known !== undefined) return known;
    const shipped = shipConfig(config);
    if (!shipped) return undefined;
    const id = this.nextConfigId++;
    for (const w of this.workers) w.worker.postMessage({ kind: 'config', id, config: shipped } satisfies ToWorker);
    this.configIds.set(config, id);
    return id;
  }

  private startWorker(): PoolWorker {
    const entry: PoolWorker = { worker: startSimWorker(), pending: new Map() };
    entry.worker.unref(); // idle workers keep nothing alive; send() refs a worker while it is busy
    entry.worker.on('message', (answer: FromWorker) => {
      const resolve = entry.pending.get(answer.seq);
      entry.pending.delete(answer.seq);
      if (entry.pending.size === 0) entry.worker.unref();
      resolve?.(answer);
    });
    const fail = (error: Error): void => {
      entry.failed ??= error;
      for (const resolve of entry.pending.values())
        resolve({ seq: 0, outcomes: [], error: { name: error.name, message: error.message } });
      entry.pending.clear();
    };
    entry.worker.on('error', fail);
    entry.worker.on('exit', (code) => fail(new Error(`a sim worker exited (code ${code})`)));
    return entry;
  }
}

/** Collects started cases into batches and hands each case its own outcome from the answer. */
class BatchRunner implements CaseRunner<CaseOutcome> {
  private cases: Case[] = [];
  private answer: { promise: Promise<FromWorker>; resolve: (a: Promise<FromWorker>) => void } | undefined;

  constructor(
    private readonly pool: SimPool,
    private readonly config: number,
    private readonly options: CaseOptions,
  ) {}

  start(c: Case): Promise<CaseOutcome> {
    const index = this.cases.length;
    this.cases.push(c);
    this.answer ??= deferredAnswer();
    const outcome = this.answer.promise.then((a) => outcomeAt(a, index));
    if (this.cases.length >= BATCH_CASES) this.flush();
    return outcome;
  }

  flush(): void {
    if (!this.answer) return;
    this.answer.resolve(this.pool.send(this.config, this.options, this.cases));
    this.cases = [];
    this.answer = undefined;
  }
}

function deferredAnswer(): { promise: Promise<FromWorker>; resolve: (a: Promise<FromWorker>) => void } {
  let resolve!: (a: Promise<FromWorker>) => void;
  const promise = new Promise<FromWorker>((r) => (resolve = r));
  return { promise, resolve };
}

function outcomeAt(answer: FromWorker, index: number): CaseOutcome {
  const outcome = answer.outcomes[index];
  if (outcome) return outcome;
  throw rebuildError(answer.error ?? { name: 'Error', message: 'a sim worker answered without this case' });
}

/** The worker's error as the class main.ts maps to an exit code (errors.ts), with its stack. */
function rebuildError(e: WorkerError): Error {
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
