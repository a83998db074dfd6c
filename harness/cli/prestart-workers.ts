/**
 * The entry of dist/sim-prestart.js, which bin/upgrade-chaos.js loads before the command's own
 * bundle: it starts the sim workers the command will surely use (worker-flags.ts), and the pool the
 * command opens takes them (harness/workers/prestart.ts).
 */
import { prestartSimWorkers } from '../workers/prestart.ts';
import { surelyWantedWorkers } from './worker-flags.ts';

/** Starts the workers the command given by `argv` (without node and the script) will surely use. */
export function prestartForCommand(argv: readonly string[]): void {
  prestartSimWorkers(surelyWantedWorkers(argv));
}
