/** bench/results.json: the shape CI tracks over time (issue 4). */
import { writeFileSync } from 'node:fs';
import type { StrategyName } from '../harness/strategies/names.ts';
import type { Fig } from './figures.ts';
import type { SimScaling } from './sim-scaling.ts';
import type { DeepBugResult } from './deep-bench.ts';
import type { ContainerFigures } from './container-bench.ts';

export interface ScenarioResult {
  name: string;
  /** The properties the scenario expects violated: all of them must be found. */
  mustFail: string[];
  /** The scenario's minimal known counterexample length (its longest, over mustFail). */
  minimalEvents: number | null;
  strategies: Record<StrategyName, Fig>;
  best: Fig;
  baseline: Fig;
}

export interface BenchResults {
  scenarios: ScenarioResult[];
  /** The planted deep bugs (deep-bench.ts); written by `npm run bench` unless skipped. */
  deepBugs?: DeepBugResult[];
  /** `process` is written by the full bench only (it starts a controller server process). */
  runsPerSecond: { sim: number; process?: number };
  /** The sim on one thread and on two workers (full bench only). */
  simScaling?: SimScaling;
  /** Image build, first container start and runs per minute on the container target (full bench
   *  with a Docker engine only). */
  container?: ContainerFigures;
}

export function writeResults(path: string, results: BenchResults): void {
  writeFileSync(path, JSON.stringify(results, null, 2) + '\n');
}
