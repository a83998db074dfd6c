/**
 * How many sim worker threads a command uses, read from its flags (`--workers`, `--runs`,
 * `--target`) in one place: by the command itself (run, qualify) once its flags are parsed, and by
 * the shim that starts the workers before the command loads (prestart-workers.ts), from the raw
 * arguments. Pure, and importing neither a target nor the sim, so the shim's bundle stays small.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { defaultWorkers } from '../workers/worker-count.ts';
import { intFlag } from './options.ts';

/** The flags the worker count depends on, as a command's parser gives them. */
export interface WorkerFlagValues {
  workers?: string | undefined;
  runs?: string | undefined;
  target?: string | undefined;
}

/** The commands that explore with `--workers`. */
const WORKER_COMMANDS: readonly string[] = ['run', 'qualify'];

/** Default cases per exploration: a real run takes seconds, a sim run a fraction of a millisecond. */
export function defaultRuns(values: WorkerFlagValues): number {
  return (values.target ?? 'sim') === 'sim' ? 1000 : 50;
}

/** `--runs N`: cases per exploration. */
export function runsFlag(values: WorkerFlagValues): number {
  return intFlag(values.runs, 'runs', defaultRuns(values), 1, 10_000_000);
}

/** `--workers N` (run, qualify): sim worker threads for an exploration of `totalCases` cases in all;
 *  by default defaultWorkers. Real targets run their cases elsewhere already. */
export function workersFlag(values: WorkerFlagValues, totalCases: number): number {
  const sim = (values.target ?? 'sim') === 'sim';
  if (values.workers === undefined) return sim ? defaultWorkers(totalCases) : 1;
  if (!sim)
    throw new UsageError('--workers spreads the sim over threads: real targets run their cases in the controller');
  return intFlag(values.workers, 'workers', 1, 1, 256);
}

/**
 * The workers the command given by `argv` (without node and the script) will surely use, read
 * before the command parses its flags: workersFlag of what the arguments say, with `--runs` (one
 * scenario's cases) as the lower bound of the exploration's cases. None where the command explores
 * in-process, on a real target, or will refuse its flags (it says what is wrong).
 */
export function surelyWantedWorkers(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  if (command === undefined || !WORKER_COMMANDS.includes(command)) return 0;
  try {
    const { values } = parseArgs({
      args: rest,
      options: { workers: { type: 'string' }, runs: { type: 'string' }, target: { type: 'string' } },
      strict: false,
      allowPositionals: true,
    });
    // Without strict parsing a flag given no value reads as `true`: the command refuses it.
    const flags: WorkerFlagValues = {};
    for (const name of ['workers', 'runs', 'target'] as const) {
      const value = values[name];
      if (typeof value === 'boolean') return 0;
      flags[name] = value;
    }
    const workers = workersFlag(flags, runsFlag(flags));
    return workers > 1 ? workers : 0;
  } catch {
    return 0; // the command says what is wrong with its flags
  }
}
