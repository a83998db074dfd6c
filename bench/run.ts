/**
 * `npm run bench`: how fast each strategy finds every race the corpus expects, against the way a
 * fast-check user would look for them without us (bench/baseline/), and how many runs per second
 * the sim and the process target do. Writes bench/results.json (shape: results.ts) and prints a
 * table. About a minute. `bin/bench.js` runs it bundled, as the CLI runs (see bin/bundle.js).
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/paths.ts';
import { DEFAULT_BENCH, runBench } from './bench.ts';
import { writeResults } from './results.ts';
import { formatBench } from './table.ts';
import { processThroughput } from './process-throughput.ts';
import { combinedRunsPerSecond } from './throughput.ts';
import { formatSimScaling, simScaling } from './sim-scaling.ts';
import { DEFAULT_TIME_SCALE } from '../harness/targets/process/index.ts';

const RESULTS = join(PROJECT_ROOT, 'bench', 'results.json');

/** Cases per round of the sim's one-thread / two-worker comparison (a few seconds a round). */
const SCALING_RUNS = 20_000;

/** Generated plans per core scenario on the process target (each takes about a second). */
const PROCESS_RUNS = 10;

const start = performance.now();
const run = runBench({ ...DEFAULT_BENCH, progress: (name) => process.stderr.write(`bench: ${name} done\n`) });
const scaling = await simScaling(SCALING_RUNS, 2);
const processFigures = await processThroughput(PROCESS_RUNS);
const results = {
  ...run.results,
  simScaling: scaling,
  runsPerSecond: { ...run.results.runsPerSecond, process: combinedRunsPerSecond(processFigures) },
};
writeResults(RESULTS, results);
process.stdout.write(
  formatBench({
    ...run,
    results,
    seeds: DEFAULT_BENCH.seeds,
    maxRuns: DEFAULT_BENCH.maxRuns,
    elapsedMs: performance.now() - start,
  }) +
    '\n' +
    `Runs per second on the process target (time scale ${DEFAULT_TIME_SCALE}, one server process reused): ` +
    processFigures.map((t) => `${t.scenario} ${t.runsPerSecond}`).join(', ') +
    `; both together ${results.runsPerSecond.process}.\n` +
    formatSimScaling(scaling) +
    `\nWrote ${RESULTS}\n`,
);
