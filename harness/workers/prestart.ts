/**
 * Sim workers started before the command's own bundle loads. bin/upgrade-chaos.js calls
 * prestartSimWorkers first, with the command's arguments: dist/cli.js takes about 0.4 s of CPU to
 * load (mostly its packages) and a worker about 0.2 s to load dist/sim-worker.js, so started there
 * the workers load beside the command rather than after it, and the SimPool the command opens
 * takes them (takePrestartedWorker) instead of starting its own and waiting for them.
 *
 * How many: never more than the pool will want, so none loads for nothing. The command's own
 * reading of its flags (cli/target-flags.ts workersFlag) gives `--workers N` as asked and, without
 * it, defaultWorkers of all the exploration's cases; here only what the arguments say plainly
 * counts: `--workers N`, or defaultWorkers of `--runs` (one scenario's cases: a lower bound of all),
 * on `run` or `qualify` on the sim target. Anything else starts none, and the pool starts its own.
 * Workers run nothing until the pool sends them a survey, so where they were started changes no
 * result.
 */
import { parseArgs } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { defaultWorkers } from './worker-count.ts';
import { startSimWorker } from './worker-entry.ts';

/** A started worker and how it ended, if it did before a pool took it (so the pool can fail its
 *  ranges at once rather than wait for a worker that will never answer). */
export interface PrestartedWorker {
  worker: Worker;
  ended?: Error;
}

/** The workers travel from the shim's bundle (dist/sim-prestart.js) to the command's (dist/cli.js):
 *  two copies of this module, so they meet on the global object, under a registered symbol. */
const HANDOFF = Symbol.for('upgrade-chaos.prestarted-sim-workers');

function handoff(): PrestartedWorker[] {
  const holder = globalThis as { [HANDOFF]?: PrestartedWorker[] };
  return (holder[HANDOFF] ??= []);
}

/** The workers the command given by `argv` (without node and the script) will surely use. */
export function surelyWantedWorkers(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  if (command !== 'run' && command !== 'qualify') return 0;
  let values: { workers?: string | boolean; runs?: string | boolean; target?: string | boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { workers: { type: 'string' }, runs: { type: 'string' }, target: { type: 'string' } },
      strict: false,
      allowPositionals: true,
    }));
  } catch {
    return 0; // the command says what is wrong with its flags
  }
  if (values.target !== undefined && values.target !== 'sim') return 0;
  const count = (value: string | boolean | undefined): number | undefined =>
    typeof value === 'string' && /^[1-9][0-9]*$/.test(value) ? Number(value) : undefined;
  const workers = count(values.workers);
  if (values.workers !== undefined) return workers !== undefined && workers > 1 && workers <= 256 ? workers : 0;
  const runs = count(values.runs);
  if (runs === undefined) return 0;
  const wanted = defaultWorkers(runs);
  return wanted > 1 ? wanted : 0;
}

/** Starts the workers the command given by `argv` will surely use (surelyWantedWorkers). */
export function prestartSimWorkers(argv: readonly string[]): void {
  const waiting = handoff();
  for (let i = surelyWantedWorkers(argv); i > 0; i--) {
    const entry: PrestartedWorker = { worker: startSimWorker() };
    entry.worker.unref(); // an idle worker keeps nothing alive, as in the pool
    entry.worker.on('error', (error) => (entry.ended ??= error));
    entry.worker.on('exit', (code) => (entry.ended ??= new Error(`a sim worker exited (code ${code})`)));
    waiting.push(entry);
  }
}

/** A prestarted worker, the pool's from now on, or undefined when none is left. */
export function takePrestartedWorker(): PrestartedWorker | undefined {
  const entry = handoff().shift();
  entry?.worker.removeAllListeners();
  return entry;
}
