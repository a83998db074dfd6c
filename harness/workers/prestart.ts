/**
 * Sim workers started before the command's own bundle loads. bin/upgrade-chaos.js starts them first
 * (cli/prestart-workers.ts, with the count cli/worker-flags.ts reads from the command's arguments):
 * dist/cli.js takes about 0.4 s of CPU to load (mostly its packages) and a worker about 0.2 s to
 * load dist/sim-worker.js, so started there the workers load beside the command rather than after
 * it, and the SimPool the command opens takes them (takePrestartedWorker) instead of starting its
 * own and waiting for them.
 *
 * How many: never more than the pool will want, so none loads for nothing (surelyWantedWorkers).
 * Workers run nothing until the pool sends them a survey, so where they were started changes no
 * result.
 */
import type { Worker } from 'node:worker_threads';
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

/** Starts `count` workers for the pool the command will open (none when `count` is below 2: one
 *  thread explores in-process). */
export function prestartSimWorkers(count: number): void {
  const waiting = handoff();
  for (let i = count > 1 ? count : 0; i > 0; i--) {
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
