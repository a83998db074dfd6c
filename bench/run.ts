/**
 * `npm run bench`: how fast each strategy finds every race the corpus expects, against the way a
 * fast-check user would look for them without us (bench/baseline/), and how many runs per second
 * the sim does. Writes bench/results.json (shape: results.ts) and prints a table. About 15 s.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/paths.ts';
import { DEFAULT_BENCH, runBench } from './bench.ts';
import { writeResults } from './results.ts';
import { formatBench } from './table.ts';

const RESULTS = join(PROJECT_ROOT, 'bench', 'results.json');

const start = performance.now();
const run = runBench({ ...DEFAULT_BENCH, progress: (name) => process.stderr.write(`bench: ${name} done\n`) });
writeResults(RESULTS, run.results);
process.stdout.write(formatBench({
  ...run, seeds: DEFAULT_BENCH.seeds, maxRuns: DEFAULT_BENCH.maxRuns, elapsedMs: performance.now() - start,
}) + `\nWrote ${RESULTS}\n`);
