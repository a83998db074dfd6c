/**
 * How many sim worker threads an exploration gets when `--workers` does not say: read by the
 * command and by the shim that starts workers before it, both through cli/worker-flags.ts.
 */
import { availableParallelism } from 'node:os';

/**
 * Fewer cases than this per worker are faster run in-process than on workers started for them.
 * Each worker is a fresh V8 isolate that compiles the sim again (TurboFan, ~500 functions, seconds
 * of background-thread CPU): in-process, that compiling takes a core the run does not use, while
 * two workers compile on the cores they run on. Measured on the CLI (juju-1.24-gated-api, seed 1,
 * two cores, --workers 2 against 1): 2,000 runs 0.83x, 5,000 0.84-1.00x, 10,000 1.09-1.18x, 20,000
 * 1.32-1.47x: a second worker pays off from about 8,000 runs, so it comes at 10,000.
 */
const MIN_CASES_PER_WORKER = 5_000;

/** `--workers` when not given: one per core, but no more than give each MIN_CASES_PER_WORKER cases. */
export function defaultWorkers(totalCases: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(totalCases / MIN_CASES_PER_WORKER)));
}
