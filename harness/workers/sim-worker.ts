/**
 * A sim worker thread: runs the batches of cases the main thread sends, with the function the
 * in-process survey uses (runCase), and answers each batch in the order it came.
 * Started by sim-pool.ts, from this source or from its bundle (worker-entry.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { RunConfig } from '../run-config.ts';
import { runCase } from '../runner.ts';
import type { Case } from '../strategies/index.ts';
import { unshipConfig, type FromWorker, type ToWorker } from './messages.ts';

const port = parentPort;
if (!port) throw new Error('sim-worker.ts runs as a worker thread (see sim-pool.ts)');
const configs = new Map<number, RunConfig>();

port.on('message', (message: ToWorker) => {
  if (message.kind === 'config') {
    configs.set(message.id, unshipConfig(message.config));
    return;
  }
  port.postMessage(runBatch(message));
});

function runBatch(batch: Extract<ToWorker, { kind: 'batch' }>): FromWorker {
  const outcomes: FromWorker['outcomes'] = [];
  try {
    const config = configs.get(batch.config);
    if (!config) throw new Error(`sim worker: no config ${batch.config}`);
    for (const [plan, simSeed] of JSON.parse(batch.casesJson) as Case[])
      outcomes.push(runCase(config, plan, simSeed, batch.options));
    return { seq: batch.seq, outcomes };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    return {
      seq: batch.seq,
      outcomes,
      error: { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) },
    };
  }
}
