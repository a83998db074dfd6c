/**
 * How many sim worker threads an exploration gets when `--workers` does not say: read by the
 * command (cli/target-flags.ts) and by the shim that starts workers before it (prestart.ts).
 */
import { availableParallelism } from 'node:os';

/** Fewer cases than this per worker are faster run in-process than on a worker started for them. */
const MIN_CASES_PER_WORKER = 1_000;

/** `--workers` when not given: one per core, but none beyond what the exploration can use. */
export function defaultWorkers(totalCases: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(totalCases / MIN_CASES_PER_WORKER)));
}
