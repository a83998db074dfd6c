/**
 * The sim on one thread and on worker threads (issue 8), on the gated scenario: phase one of an
 * exploration in-process, then the same exploration on a pool of workers, alternating, best round
 * of each. The machine may be shared, so besides wall-clock runs per second it gives runs per CPU
 * second of the single thread (what one core does, whatever else runs) and the speed-up as a
 * ratio of two measurements taken in the same minute.
 */
import { loadavg } from 'node:os';
import { explore } from '../harness/explore.ts';
import { exploreOnWorkers } from '../harness/explore-on-workers.ts';
import { resolveRun } from '../harness/run-config.ts';
import { SimPool } from '../harness/workers/sim-pool.ts';
import { scenarioByName } from '../scenarios/index.ts';

export const SCALING_SCENARIO = 'juju-1.24-gated-api';

export interface SimScaling {
  scenario: string;
  runs: number;
  /** One thread (in-process), best round. */
  singleRunsPerSecond: number;
  /** One thread's runs per CPU second of the process, best round: runs per second per core. */
  singleRunsPerCpuSecond: number;
  workers: number;
  workersRunsPerSecond: number;
  /** Runs per CPU second of the whole process (main thread and workers) in that round: with
   *  singleRunsPerCpuSecond, what the workers cost beyond the runs themselves. */
  workersRunsPerCpuSecond: number;
  /** CPU seconds per wall second the process got in that round: on a shared machine, how many of
   *  the cores the workers actually had. */
  workersCoresUsed: number;
  /** workersRunsPerSecond / singleRunsPerSecond. */
  speedup: number;
  /** The 1-minute load average when the measurement ended (2 cores: above 2, others compete). */
  loadAverage: number;
}

export async function simScaling(runs: number, workers: number, rounds = 2): Promise<SimScaling> {
  const config = resolveRun(scenarioByName(SCALING_SCENARIO)!);
  const pool = new SimPool(workers);
  try {
    // Warm every thread's compiler before measuring (each worker compiles the sim on its own).
    explore(config, { runs: Math.ceil(runs / 5), seed: 100 });
    await exploreOnWorkers(pool, config, { runs: Math.ceil(runs / 5), seed: 101 });
    let single = 0;
    let perCpu = 0;
    let parallel = 0;
    let parallelPerCpu = 0;
    let cores = 0;
    for (let round = 0; round < rounds; round++) {
      const cpu = process.cpuUsage();
      const one = explore(config, { runs, seed: round + 1 });
      const { user, system } = process.cpuUsage(cpu);
      single = Math.max(single, one.runsPerSecond);
      perCpu = Math.max(perCpu, Math.round(one.runs / ((user + system) / 1e6)));
      const cpuBefore = process.cpuUsage();
      const start = performance.now();
      const spread = await exploreOnWorkers(pool, config, { runs, seed: round + 1 });
      const wallSeconds = (performance.now() - start) / 1000;
      const cpuSpread = process.cpuUsage(cpuBefore);
      const cpuSeconds = (cpuSpread.user + cpuSpread.system) / 1e6;
      if (spread.runsPerSecond > parallel) {
        parallel = spread.runsPerSecond;
        parallelPerCpu = Math.round(spread.runs / cpuSeconds);
        cores = Math.round((cpuSeconds / wallSeconds) * 100) / 100;
      }
    }
    return {
      scenario: SCALING_SCENARIO,
      runs,
      singleRunsPerSecond: single,
      singleRunsPerCpuSecond: perCpu,
      workers,
      workersRunsPerSecond: parallel,
      workersRunsPerCpuSecond: parallelPerCpu,
      workersCoresUsed: cores,
      speedup: Math.round((parallel / single) * 100) / 100,
      loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    };
  } finally {
    await pool.close();
  }
}

export function formatSimScaling(s: SimScaling): string {
  return (
    `Sim on threads (${s.scenario}, ${s.runs} runs, best of alternating rounds): one thread ` +
    `${s.singleRunsPerSecond} runs/s (${s.singleRunsPerCpuSecond} per CPU second), ${s.workers} workers ` +
    `${s.workersRunsPerSecond} runs/s (${s.workersRunsPerCpuSecond} per CPU second, ${s.workersCoresUsed} cores used): ` +
    `${s.speedup}× one thread; load average ${s.loadAverage}.`
  );
}
