/**
 * Where a sim worker thread starts from. From the TypeScript sources (vitest, tsx), the worker
 * loads sim-worker.ts through tsx as well; from a bundle (bin/bundle.js builds one per entry into
 * dist/), it loads the bundle of sim-worker.ts that bin/bundle.js builds next to it.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The worker's bundle, named as bin/bundle.js names bundles (path with `/` as `__`, .mjs). */
export const SIM_WORKER_BUNDLE = 'harness__workers__sim-worker.mjs';

export function startSimWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./sim-worker.ts', here).href;
    const code =
      `import(${JSON.stringify(tsx)}).then((api) => { api.register(); ` +
      `return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true });
  }
  const bundle = new URL(`./${SIM_WORKER_BUNDLE}`, here);
  if (!existsSync(bundle))
    throw new Error(`the sim worker bundle ${bundle.pathname} is missing: build it with the bundle that runs this one`);
  return new Worker(bundle);
}
