/**
 * Runs per second on the process target (issues 3 and 8): the core scenarios' generated plans played
 * in real time (default time scale) against one controller server process, reused across runs, with
 * the runs in flight `run` keeps by default (the target's default concurrency as a ceiling, under the
 * stall back-off: stall-backoff.ts) or a fixed number, each on a session of its own, and the CPU the
 * harness and the server spent doing it: the figure is bounded by time scale × concurrency while
 * there is CPU to spare, and by CPU once there is none.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import fc from 'fast-check';
import { caseArbitrary } from '../harness/case-params.ts';
import { expectedLength } from '../harness/explore-target.ts';
import { Limiter } from '../harness/limiter.ts';
import { resolveRun } from '../harness/run-config.ts';
import { judgeRun } from '../harness/runner.ts';
import { StallBackoff } from '../harness/stall-backoff.ts';
import { createProcessTarget } from '../harness/targets/process/index.ts';
import { scenarioByName } from '../scenarios/index.ts';
import { CORE_SCENARIOS, type Throughput } from './throughput.ts';

export interface ProcessThroughput extends Throughput {
  /** Runs in flight: fixed, or the ceiling of the stall back-off (`backoff`). */
  concurrency: number;
  /** With the back-off (run's default): the fewest runs it kept in flight, and how many at the end. */
  backoff?: { lowest: number; last: number };
  /** CPU seconds of this process (the harness) and of the controller server process, per run. */
  harnessCpuMsPerRun: number;
  serverCpuMsPerRun: number;
  /** Runs in which a property was violated: 1.22's race; on the gated scenario, timings a loaded
   *  machine stretched past a deadline. */
  violatedRuns: number;
  /** Runs whose harness or server stalled past the stall budget: their deadlines were not judged
   *  (properties/stall.ts). Many of them mean the machine was too busy for the figure to mean much. */
  stalledRuns: number;
  /** Mean model seconds of a run, and of its closing (quiescence to the run's end): while there is
   *  CPU to spare, runs per second is about concurrency / (model seconds × time scale), and these
   *  move less with the machine's load than runs per second does (a closing change shows in them). */
  modelSecondsPerRun: { run: number; closing: number };
  /** The machine's one-minute load average when the figure started and when it ended: the figure
   *  means little next to other agents' work unless compared within one bench run. */
  loadAverage: [start: number, end: number];
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 where there is none. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** `concurrency`: that many runs in flight, fixed; without it, as `run` does by default. */
export async function processThroughput(runs: number, seed = 1, concurrency?: number): Promise<ProcessThroughput[]> {
  const target = await createProcessTarget({});
  try {
    const figures: ProcessThroughput[] = [];
    for (const scenario of CORE_SCENARIOS) {
      const backoff = concurrency === undefined ? new StallBackoff(target.defaultConcurrency) : undefined;
      const limiter = new Limiter(backoff ? () => backoff.limit : concurrency!);
      const config = resolveRun(scenarioByName(scenario)!);
      const cases = fc.sample(caseArbitrary(config, {}), { numRuns: runs, seed });
      const loadStart = loadavg()[0] ?? 0;
      const harnessCpu = process.cpuUsage();
      const serverCpu = processCpuSeconds(target.server.pid);
      const start = performance.now();
      // Longest first, as exploreTarget starts them (its expectedLength).
      const length = expectedLength(config, true);
      const byLength = cases
        .map((c) => ({ c, ms: length(c) }))
        .sort((a, b) => b.ms - a.ms)
        .map(({ c }) => c);
      let modelMs = 0;
      let closingMs = 0;
      const judged = await Promise.all(
        byLength.map(([plan, simSeed]) =>
          limiter.run(async () => {
            const { history } = await target.runCase(config, plan, simSeed);
            const end = history.at(-1)?.t ?? 0;
            modelMs += end;
            closingMs += end - (history.find((r) => r.type === 'quiescence')?.t ?? end);
            const judgedRun = judgeRun(history, config.properties);
            backoff?.ended(judgedRun.stallLoad);
            return judgedRun;
          }),
        ),
      );
      const seconds = (performance.now() - start) / 1000;
      const { user, system } = process.cpuUsage(harnessCpu);
      figures.push({
        scenario,
        runs,
        runsPerSecond: Math.round((runs / seconds) * 100) / 100,
        concurrency: backoff?.ceiling ?? limiter.limit,
        ...(backoff ? { backoff: { lowest: backoff.lowest, last: backoff.limit } } : {}),
        harnessCpuMsPerRun: Math.round((user + system) / 1000 / runs),
        serverCpuMsPerRun: Math.round(((processCpuSeconds(target.server.pid) - serverCpu) * 1000) / runs),
        modelSecondsPerRun: {
          run: Math.round(modelMs / runs / 100) / 10,
          closing: Math.round(closingMs / runs / 100) / 10,
        },
        violatedRuns: judged.filter((r) => r.violations.length > 0).length,
        stalledRuns: judged.filter((r) => r.unknown.some((u) => u.reason.startsWith('the run stalled'))).length,
        loadAverage: [loadStart, loadavg()[0] ?? 0],
      });
    }
    return figures;
  } finally {
    await target.close();
  }
}

export function formatProcessThroughput(figures: readonly ProcessThroughput[], timeScale: number): string {
  const each = figures.map(
    (t) =>
      `${t.scenario} ${t.runsPerSecond} runs/s (${t.runs} runs, ${inFlight(t)}; CPU per run: harness ` +
      `${t.harnessCpuMsPerRun} ms, server ${t.serverCpuMsPerRun} ms; model time per run ${t.modelSecondsPerRun.run} s, ` +
      `${t.modelSecondsPerRun.closing} s of it from quiescence on; ${t.violatedRuns} runs violated a property, ` +
      `${t.stalledRuns} stalled past their budget; load average ${t.loadAverage.map((l) => l.toFixed(1)).join(' → ')})`,
  );
  return `Process target (time scale ${timeScale}, one server process reused): ${each.join('; ')}.`;
}

/** The runs in flight a figure was measured with. */
function inFlight(t: ProcessThroughput): string {
  if (!t.backoff) return `${t.concurrency} in flight, fixed`;
  return `up to ${t.concurrency} in flight under the stall back-off (lowest ${t.backoff.lowest}, ${t.backoff.last} at the end)`;
}
