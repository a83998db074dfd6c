/**
 * `npm run bench`: how fast each strategy finds the planted deep bugs (bench/deep-bugs/) and every
 * race the corpus expects, against the way a fast-check user would look for them without us
 * (bench/baseline/), and how many runs per second the sim and the process target do. Writes
 * bench/results.json (shape: results.ts) and prints the tables. `bin/bench.js` runs it bundled,
 * as the CLI runs (see bin/bundle.js).
 *
 * For quick iteration, environment variables:
 *   BENCH_SEEDS        seeds per figure (default 20)
 *   BENCH_DEEP_RUNS    budget per deep-bug attempt (default 5000)
 *   BENCH_CORPUS_RUNS  budget per corpus attempt (default 1000)
 *   BENCH_SECTIONS     comma-separated subset of deep,corpus,speed,process,container (default all;
 *                      container is skipped, with a line saying so, where no Docker engine answers)
 *   BENCH_CONTAINER_RUNS runs of juju-1.24-gated-api on the container target (default 120)
 *   BENCH_CONTAINER_CONCURRENCY runs in flight there (default the target's: 24 per core)
 *   BENCH_STRATEGIES   comma-separated strategies for the deep bugs (default all)
 *   BENCH_SCALING_RUNS cases per round of the sim one thread / two workers comparison (default 20000)
 *   BENCH_PROCESS_RUNS runs per core scenario on the process target (default 200)
 *   BENCH_PROCESS_CONCURRENCY comma-separated runs in flight there, fixed, one figure each (default
 *                      as `run` does: the target's default as a ceiling under the stall back-off)
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/paths.ts';
import { isStrategyName, STRATEGY_NAMES } from '../harness/strategies/names.ts';
import { DEFAULT_BENCH, runBench } from './bench.ts';
import { runDeepBugs } from './deep-bench.ts';
import { formatDeepBugs } from './deep-table.ts';
import { writeResults } from './results.ts';
import { formatBench } from './table.ts';
import { formatProcessThroughput, processThroughput, type ProcessThroughput } from './process-throughput.ts';
import { combinedRunsPerSecond } from './throughput.ts';
import { formatSimScaling, simScaling } from './sim-scaling.ts';
import { DEFAULT_TIME_SCALE } from '../harness/targets/process/index.ts';
import { requireDocker } from '../harness/targets/container/container-server.ts';
import { containerFigures, formatContainerFigures } from './container-bench.ts';

const RESULTS = join(PROJECT_ROOT, 'bench', 'results.json');

/** Generated plans per core scenario on the process target, many in flight at once. */
const PROCESS_RUNS = 200;
/** Cases per round of the sim's one-thread / two-worker comparison (a few seconds a round). */
const SCALING_RUNS = 20_000;
const DEEP_RUNS = 5000;
/** Runs of the gated scenario on the container target: about a minute at the default concurrency. */
const CONTAINER_RUNS = 120;

function envInt(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

const seeds = envInt('BENCH_SEEDS', DEFAULT_BENCH.seeds);
const deepRuns = envInt('BENCH_DEEP_RUNS', DEEP_RUNS);
const corpusRuns = envInt('BENCH_CORPUS_RUNS', DEFAULT_BENCH.maxRuns);
const sections = new Set((process.env['BENCH_SECTIONS'] ?? 'deep,corpus,speed,process,container').split(','));
const strategies = (process.env['BENCH_STRATEGIES'] ?? STRATEGY_NAMES.join(',')).split(',').filter(isStrategyName);
const progress = (what: string) => process.stderr.write(`bench: ${what} done\n`);

const start = performance.now();
const out: string[] = [];
const deepBugs = sections.has('deep')
  ? runDeepBugs({ seeds, maxRuns: deepRuns, strategies, progress: (bug, who) => progress(`${bug} × ${who}`) })
  : undefined;
if (deepBugs) out.push(formatDeepBugs(deepBugs, seeds, deepRuns), '');

const corpus = sections.has('corpus')
  ? runBench({
      ...DEFAULT_BENCH,
      seeds,
      maxRuns: corpusRuns,
      throughputRuns: sections.has('speed') ? DEFAULT_BENCH.throughputRuns : 0,
      progress,
    })
  : undefined;
const scaling = sections.has('speed') ? await simScaling(envInt('BENCH_SCALING_RUNS', SCALING_RUNS), 2) : undefined;
const processFigures: ProcessThroughput[] = [];
if (sections.has('process')) {
  const levels = process.env['BENCH_PROCESS_CONCURRENCY']?.split(',') ?? [undefined];
  for (const level of levels) {
    const concurrency = level === undefined ? undefined : Number(level);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1))
      throw new Error(`BENCH_PROCESS_CONCURRENCY must list positive integers, got "${level}"`);
    processFigures.push(...(await processThroughput(envInt('BENCH_PROCESS_RUNS', PROCESS_RUNS), 1, concurrency)));
  }
}
const dockerUp =
  sections.has('container') &&
  (await requireDocker().then(
    () => true,
    () => false,
  ));
const containerConcurrency = process.env['BENCH_CONTAINER_CONCURRENCY']
  ? envInt('BENCH_CONTAINER_CONCURRENCY', 1)
  : undefined;
const container = dockerUp
  ? await containerFigures(envInt('BENCH_CONTAINER_RUNS', CONTAINER_RUNS), containerConcurrency)
  : undefined;
const results = {
  scenarios: corpus?.results.scenarios ?? [],
  ...(deepBugs ? { deepBugs } : {}),
  ...(scaling ? { simScaling: scaling } : {}),
  ...(container ? { container } : {}),
  runsPerSecond: {
    sim: corpus?.results.runsPerSecond.sim ?? 0,
    ...(processFigures.length ? { process: combinedRunsPerSecond(processFigures) } : {}),
  },
};
writeResults(RESULTS, results);
if (corpus) {
  out.push(
    'Corpus (the scenarios that must fail):',
    formatBench({ ...corpus, results, seeds, maxRuns: corpusRuns, elapsedMs: performance.now() - start }),
  );
}
if (processFigures.length) out.push(formatProcessThroughput(processFigures, DEFAULT_TIME_SCALE));
if (scaling) out.push(formatSimScaling(scaling));
if (container) out.push(formatContainerFigures(container));
else if (sections.has('container')) out.push('Container target: skipped, no Docker engine answers (`docker info`).');
out.push(`Bench took ${((performance.now() - start) / 1000).toFixed(1)} s. Wrote ${RESULTS}`);
process.stdout.write(out.join('\n') + '\n');
