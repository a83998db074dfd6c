/**
 * How a sim worker thread starts (paths.ts ownEntry): from the build, dist/sim-worker.js next to
 * the running bundle; from the TypeScript sources (vitest, tsx), sim-worker.ts through tsx, which
 * a worker thread cannot get from `--import tsx` in its execArgv on Node 20, so a small module
 * registers tsx first and then imports it.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ownEntry } from '../paths.ts';

export function startSimWorker(): Worker {
  const { file, execArgv } = ownEntry('sim-worker', 'harness/workers/sim-worker.ts');
  if (execArgv.length === 0) return new Worker(file);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = pathToFileURL(file).href;
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}
