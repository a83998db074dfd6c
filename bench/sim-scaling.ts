/**
 * The sim on one thread and on worker threads (issue 8), on the gated scenario: phase one of an
 * exploration in-process, then the same exploration on a pool of workers, alternating, best round
 * of each. The machine may be shared, so besides wall-clock runs per second it gives runs per CPU
 * second of the single thread (what one core does, whatever else runs) and the speed-up as a
 * ratio of two measurements taken in the same minute.
 */
import { loadavg } from 'node:os';
import fc from 'fast-check';
import { explore } from '../harness/explore.ts';
import { exploreOnWorkers } from '../harness/explore-on-workers.ts';
import { resolveRun } from '../harness/run-config.ts';
import { SimPool } from '../harness/workers/sim-pool.ts';
import { caseSource } from '../harness/strategies/index.ts';
import { simulate } from '../harness/targets/sim/simulate.ts';
import type { RunConfig } from '../harness/run-config.ts';
import { scenarioByName } from '../scenarios/index.ts';

export const SCALING_SCENARIO = 'juju-1.24-gated-api';

export interface SimScaling {
  scenario: string;
  runs: number;
  /** One thread (in-process), best round. */
  singleRunsPerSecond: number;
  /** One thread's runs per CPU second of the process, best round: runs per second per core. */
  singleRunsPerCpuSecond: number;
  /** The same as CPU microseconds per run, and per plan event and per history record of an
   *  average run (runs grow with their plans: a figure per run alone hides it). */
  microsPerRun: number;
  eventsPerRun: number;
  recordsPerRun: number;
  microsPerEvent: number;
  microsPerRecord: number;
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
  /** workersRunsPerCpuSecond / singleRunsPerCpuSecond: what a CPU second buys on the pool against
   *  one thread. Times the cores used, the speed-up to expect; below 1 while the pool's own work
   *  (drawing and sending cases) or two threads slowing each other (shared caches) costs. */
  cpuEfficiency: number;
  /** The 1-minute load average when the measurement ended (2 cores: above 2, others compete). */
  loadAverage: number;
}

/** Cases each thread runs before measuring: the sim's code is still being optimized after a few
 *  hundred, and a worker compiles it on its own. */
const WARM_UP_CASES = 2_000;

/** How long an average case of the measured rounds is: plan events and history records. */
function caseSize(config: RunConfig, runs: number, rounds: number): { events: number; records: number } {
  let events = 0;
  let records = 0;
  let cases = 0;
  for (let round = 0; round < rounds; round++) {
    const source = caseSource(config, { runs, seed: round + 1 });
    for (const [plan, simSeed] of fc.sample(source.arbitrary, { numRuns: Math.min(runs, 500), seed: round + 1 })) {
      events += plan.length;
      records += simulate(config, plan, simSeed).length;
      cases++;
    }
  }
  return { events: events / cases, records: records / cases };
}

export async function simScaling(runs: number, workers: number, rounds = 3): Promise<SimScaling> {
  const config = resolveRun(scenarioByName(SCALING_SCENARIO)!);
  const pool = new SimPool(workers);
  try {
    // Warm every thread's compiler before measuring (each worker compiles the sim on its own).
    explore(config, { runs: Math.max(WARM_UP_CASES, Math.ceil(runs / 5)), seed: 100 });
    await exploreOnWorkers(pool, config, { runs: Math.max(WARM_UP_CASES * workers, Math.ceil(runs / 5)), seed: 101 });
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
    const size = caseSize(config, runs, rounds);
    const micros = 1e6 / perCpu;
    return {
      scenario: SCALING_SCENARIO,
      runs,
      singleRunsPerSecond: single,
      singleRunsPerCpuSecond: perCpu,
      microsPerRun: Math.round(micros),
      eventsPerRun: Math.round(size.events * 10) / 10,
      recordsPerRun: Math.round(size.records),
      microsPerEvent: Math.round((micros / size.events) * 10) / 10,
      microsPerRecord: Math.round((micros / size.records) * 100) / 100,
      workers,
      workersRunsPerSecond: parallel,
      workersRunsPerCpuSecond: parallelPerCpu,
      workersCoresUsed: cores,
      speedup: Math.round((parallel / single) * 100) / 100,
      cpuEfficiency: Math.round((parallelPerCpu / perCpu) * 100) / 100,
      loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    };
  } finally {
    await pool.close();
  }
}

export function formatSimScaling(s: SimScaling): string {
  return (
    `Sim on threads (${s.scenario}, ${s.runs} runs, best of alternating rounds): one thread ` +
    `${s.singleRunsPerSecond} runs/s (${s.singleRunsPerCpuSecond} per CPU second: ${s.microsPerRun} µs a run of ` +
    `${s.eventsPerRun} plan events and ${s.recordsPerRun} history records on average, ${s.microsPerEvent} µs an ` +
    `event, ${s.microsPerRecord} µs a record), ${s.workers} workers ` +
    `${s.workersRunsPerSecond} runs/s (${s.workersRunsPerCpuSecond} per CPU second, ${s.workersCoresUsed} cores used): ` +
    `${s.speedup}× one thread, ${s.cpuEfficiency}× its runs per CPU second; load average ${s.loadAverage}.`
  );
}
