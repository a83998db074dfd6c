/**
 * Runs per second on the process target (issue 3): the core scenarios' generated plans played in
 * real time (default time scale) against one controller server process, reused across runs.
 */
import fc from 'fast-check';
import { caseArbitrary } from '../harness/case-params.ts';
import { resolveRun } from '../harness/run-config.ts';
import { createProcessTarget } from '../harness/targets/process/index.ts';
import { scenarioByName } from '../scenarios/index.ts';
import { CORE_SCENARIOS, type Throughput } from './throughput.ts';

export async function processThroughput(runs: number, seed = 1): Promise<Throughput[]> {
  const target = await createProcessTarget({});
  try {
    const figures: Throughput[] = [];
    for (const scenario of CORE_SCENARIOS) {
      const config = resolveRun(scenarioByName(scenario)!);
      const cases = fc.sample(caseArbitrary(config, {}), { numRuns: runs, seed });
      const start = performance.now();
      for (const [plan, simSeed] of cases) await target.run(config, plan, simSeed);
      const seconds = (performance.now() - start) / 1000;
      figures.push({ scenario, runs, runsPerSecond: Math.round((runs / seconds) * 100) / 100 });
    }
    return figures;
  } finally {
    await target.close();
  }
}
