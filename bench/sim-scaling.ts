/**
 * The sim on one thread and on worker threads (issue 8), on the gated scenario: phase one of an
 * exploration as `--workers 1` runs it (in-process), then the same exploration on a pool of
 * workers, alternating, so each pair of rounds shares the machine's load. The machine may be
 * shared, so besides wall-clock runs per second it gives runs per CPU second of the single thread
 * (what one core does, whatever else runs), the speed-up as the ratio of each pair of rounds
 * (their median) and of the best rounds, and the main thread's share of the pool's CPU time (the
 * main thread only hands out ranges and notes answers: the workers draw and run the cases).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import fc from 'fast-check';
import { explore, exploreAsync } from '../harness/explore.ts';
import { exploreOnWorkers } from '../harness/explore-on-workers.ts';
import { resolveRun } from '../harness/run-config.ts';
import { SimPool } from '../harness/workers/sim-pool.ts';
import { caseSource } from '../harness/strategies/index.ts';
import { simulate } from '../harness/targets/sim/simulate.ts';
import type { RunConfig } from '../harness/run-config.ts';
import { scenarioByName } from '../scenarios/index.ts';
import { mainThreadCpuMicros } from './thread-cpu.ts';
import { threadCeiling } from './thread-ceiling.ts';

export const SCALING_SCENARIO = 'juju-1.24-gated-api';

export interface SimScaling {
  scenario: string;
  runs: number;
  /** One thread (in-process, as `--workers 1`), best round. */
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
  /** The main thread's share of the process's CPU time in the pool's rounds (all of them), from 0
   *  to 1; absent where the main thread's own CPU time cannot be read (thread-cpu.ts). */
  mainThreadCpuShare?: number;
  /** workersRunsPerSecond / singleRunsPerSecond: the best rounds' ratio. */
  speedup: number;
  /** Each pair of rounds' ratio, pool over one thread, in round order; and their median, the
   *  figure to quote on a shared machine (the best rounds may come from different minutes). */
  roundSpeedups: number[];
  medianSpeedup: number;
  /** workersRunsPerCpuSecond / singleRunsPerCpuSecond: what a CPU second buys on the pool against
   *  one thread. Times the cores used, the speed-up to expect; below 1 while the pool's own work
   *  or two threads slowing each other (shared caches, a core's two hardware threads) costs. */
  cpuEfficiency: number;
  /** Two threads of plain JavaScript at once against one, on this machine in this minute
   *  (thread-ceiling.ts): what a second worker could give at best. */
  threadCeiling: number;
  /** The 1-minute load average when the measurement ended (2 cores: above 2, others compete). */
  loadAverage: number;
  /** Linux's autogroup scheduling is on: the CPU is shared fairly between sessions, not threads,
   *  so while any other session is busy the pool's threads share one session's part, and the
   *  ratio measures the other sessions, not the pool (thread-ceiling.ts shows it too). */
  autogroup: boolean;
}

function autogroupOn(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
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

/** One round: runs per wall second, CPU seconds of the process and of its main thread. */
interface Round {
  runsPerSecond: number;
  runs: number;
  wallSeconds: number;
  cpuSeconds: number;
  mainCpuSeconds: number | undefined;
}

async function measure(explorer: () => Promise<{ runs: number }>): Promise<Round> {
  const cpu = process.cpuUsage();
  const main = mainThreadCpuMicros();
  const start = performance.now();
  const { runs } = await explorer();
  const wallSeconds = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const mainAfter = mainThreadCpuMicros();
  return {
    runsPerSecond: Math.round(runs / wallSeconds),
    runs,
    wallSeconds,
    cpuSeconds: (user + system) / 1e6,
    mainCpuSeconds: main !== undefined && mainAfter !== undefined ? (mainAfter - main) / 1e6 : undefined,
  };
}

const hundredths = (x: number): number => Math.round(x * 100) / 100;
const best = (rounds: Round[]): Round => rounds.reduce((a, b) => (b.runsPerSecond > a.runsPerSecond ? b : a));

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function simScaling(runs: number, workers: number, rounds = 3): Promise<SimScaling> {
  const config = resolveRun(scenarioByName(SCALING_SCENARIO)!);
  const pool = new SimPool(workers);
  try {
    // Warm every thread's compiler before measuring (each worker compiles the sim on its own).
    explore(config, { runs: Math.max(WARM_UP_CASES, Math.ceil(runs / 5)), seed: 100 });
    await exploreOnWorkers(pool, config, { runs: Math.max(WARM_UP_CASES * workers, Math.ceil(runs / 5)), seed: 101 });
    const ceiling = await threadCeiling();
    const singles: Round[] = [];
    const spreads: Round[] = [];
    for (let round = 0; round < rounds; round++) {
      singles.push(await measure(() => exploreAsync(config, { runs, seed: round + 1 })));
      spreads.push(await measure(() => exploreOnWorkers(pool, config, { runs, seed: round + 1 })));
    }
    const single = best(singles);
    const spread = best(spreads);
    const perCpu = Math.max(...singles.map((r) => Math.round(r.runs / r.cpuSeconds)));
    const size = caseSize(config, runs, rounds);
    const micros = 1e6 / perCpu;
    const mainCpu = spreads.reduce((sum, r) => sum + (r.mainCpuSeconds ?? NaN), 0);
    const poolCpu = spreads.reduce((sum, r) => sum + r.cpuSeconds, 0);
    const roundSpeedups = spreads.map((r, i) => hundredths(r.runsPerSecond / singles[i]!.runsPerSecond));
    const spreadPerCpu = Math.round(spread.runs / spread.cpuSeconds);
    return {
      scenario: SCALING_SCENARIO,
      runs,
      singleRunsPerSecond: single.runsPerSecond,
      singleRunsPerCpuSecond: perCpu,
      microsPerRun: Math.round(micros),
      eventsPerRun: Math.round(size.events * 10) / 10,
      recordsPerRun: Math.round(size.records),
      microsPerEvent: Math.round((micros / size.events) * 10) / 10,
      microsPerRecord: Math.round((micros / size.records) * 100) / 100,
      workers,
      workersRunsPerSecond: spread.runsPerSecond,
      workersRunsPerCpuSecond: spreadPerCpu,
      workersCoresUsed: hundredths(spread.cpuSeconds / spread.wallSeconds),
      ...(Number.isFinite(mainCpu) ? { mainThreadCpuShare: Math.round((mainCpu / poolCpu) * 1000) / 1000 } : {}),
      speedup: hundredths(spread.runsPerSecond / single.runsPerSecond),
      roundSpeedups,
      medianSpeedup: median(roundSpeedups),
      cpuEfficiency: hundredths(spreadPerCpu / perCpu),
      threadCeiling: ceiling,
      loadAverage: hundredths(loadavg()[0] ?? 0),
      autogroup: autogroupOn(),
    };
  } finally {
    await pool.close();
  }
}

export function formatSimScaling(s: SimScaling): string {
  const mainShare =
    s.mainThreadCpuShare !== undefined ? `, main thread ${(s.mainThreadCpuShare * 100).toFixed(1)}% of its CPU` : '';
  return (
    `Sim on threads (${s.scenario}, ${s.runs} runs, alternating rounds): --workers 1 ` +
    `${s.singleRunsPerSecond} runs/s best (${s.singleRunsPerCpuSecond} per CPU second: ${s.microsPerRun} µs a run of ` +
    `${s.eventsPerRun} plan events and ${s.recordsPerRun} history records on average, ${s.microsPerEvent} µs an ` +
    `event, ${s.microsPerRecord} µs a record), --workers ${s.workers} ` +
    `${s.workersRunsPerSecond} runs/s best (${s.workersRunsPerCpuSecond} per CPU second, ${s.workersCoresUsed} cores ` +
    `used${mainShare}): --workers ${s.workers} / --workers 1 = ${s.medianSpeedup}× (median of the rounds' ratios ` +
    `${s.roundSpeedups.join(', ')}; best rounds ${s.speedup}×), ${s.cpuEfficiency}× its runs per CPU second; ` +
    `two threads of plain JavaScript get ${s.threadCeiling}× one here; load average ${s.loadAverage}.` +
    (s.autogroup && s.workersCoresUsed < s.workers * 0.9
      ? ` The pool got ${s.workersCoresUsed} of ${s.workers} cores: with Linux autogroup on, each busy session ` +
        `gets an equal part of the CPU however many threads it runs, so this ratio measures the other sessions; ` +
        `measure with none busy.`
      : '')
  );
}
