/**
 * A sim worker thread: draws the cases of the ranges the main thread sends, each exactly as
 * explore() draws it (case-drawer.ts), runs them with the function the in-process survey uses
 * (runCase), and answers each range, in the order they came, with what the main thread notes
 * (messages.ts). Started by sim-pool.ts, from this source or from its bundle (worker-entry.ts).
 */
import { parentPort } from 'node:worker_threads';
import { CaseDrawer } from '../case-drawer.ts';
import type { RunConfig } from '../run-config.ts';
import { caseOptionsOf, runCase, type CaseOptions } from '../runner.ts';
import { caseSource } from '../strategies/index.ts';
import { inShard } from '../tally.ts';
import { unshipConfig, type NotableCase, type RangeAnswer, type ShippedOptions, type ToWorker } from './messages.ts';

const port = parentPort;
if (!port) throw new Error('sim-worker.ts runs as a worker thread (see sim-pool.ts)');

/** A survey this worker takes part in: ranges of one survey come in increasing order. */
interface Survey {
  config: RunConfig;
  options: ShippedOptions;
  caseOptions: CaseOptions;
  drawer: CaseDrawer;
}

const configs = new Map<number, RunConfig>();
const surveys = new Map<number, Survey>();

port.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'config':
      configs.set(message.id, unshipConfig(message.config));
      return;
    case 'survey': {
      const config = configs.get(message.config);
      if (!config) throw new Error(`sim worker: no config ${message.config}`);
      const drawer = new CaseDrawer(caseSource(config, message.options), message.options.seed);
      surveys.set(message.id, {
        config,
        options: message.options,
        caseOptions: caseOptionsOf(message.options),
        drawer,
      });
      return;
    }
    case 'range':
      port.postMessage(runRange(message));
      return;
    case 'end':
      surveys.delete(message.survey);
      return;
  }
});

function runRange({ seq, survey: id, from, to }: Extract<ToWorker, { kind: 'range' }>): RangeAnswer {
  const answer: RangeAnswer = { seq, ran: 0, notable: [] };
  const firstHere = new Set<string>(); // the properties some earlier case of the range violated
  try {
    const survey = surveys.get(id);
    if (!survey) throw new Error(`sim worker: no survey ${id}`);
    const { config, options, caseOptions, drawer } = survey;
    for (let index = from; index < to; index++) {
      if (!inShard(options.shard, index)) continue;
      const c = drawer.at(index);
      const { violated, unknown, coverage } = runCase(config, c[0], c[1], caseOptions);
      answer.ran++;
      if (violated.length === 0 && unknown.length === 0 && !coverage) continue;
      const notable: NotableCase = { index, violated, unknown, ...(coverage ? { coverage } : {}) };
      if (violated.some((p) => !firstHere.has(p))) notable.case = c;
      for (const p of violated) firstHere.add(p);
      answer.notable.push(notable);
    }
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    answer.error = { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return answer;
}
