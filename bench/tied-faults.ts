/**
 * How many of the faults tied to client activity that plans draw fire before quiescence, on the
 * sim: before the plan's end (all that fired until the plan waited for armed ties) and by
 * quiescence (with the tie wait, targets/closing.ts). The history up to the tie-wait record is
 * the whole plan part of a run without the wait, so one run gives both figures. Also the model
 * time the wait added, and the runs per second with it. Prints one line per scenario and a total.
 * Run with `npx tsx bench/tied-faults.ts [CASES_PER_SEED] [SEEDS]`.
 */
import fc from 'fast-check';
import { caseArbitrary } from '../harness/case-params.ts';
import type { HistoryRecord } from '../harness/history.ts';
import { activityTie, type Plan } from '../harness/plan.ts';
import { resolveRun } from '../harness/run-config.ts';
import { simulate } from '../harness/targets/sim/simulate.ts';
import { SIM_SCENARIOS } from '../scenarios/index.ts';

const [casesPerSeed = 500, seeds = 10] = process.argv.slice(2).map(Number);

interface Tally {
  drawn: number;
  /** Fired (its event record written, applied or not) before the plan's end. */
  byPlanEnd: number;
  /** Fired before quiescence: during the plan or during the tie wait. */
  byQuiescence: number;
  /** Of those, applied (a disconnect found a connection, ...). */
  applied: number;
  runs: number;
  /** Runs that waited for ties, and the model time they waited. */
  waits: number;
  waitedMs: number;
  cpuMs: number;
}

const empty = (): Tally => ({
  drawn: 0,
  byPlanEnd: 0,
  byQuiescence: 0,
  applied: 0,
  runs: 0,
  waits: 0,
  waitedMs: 0,
  cpuMs: 0,
});

/** Adds one run's tied events to the tally. */
function count(tally: Tally, plan: Plan, history: readonly HistoryRecord[]): void {
  const tied = new Set(plan.flatMap((e, i) => (activityTie(e) ? [i] : [])));
  tally.drawn += tied.size;
  let waitAt: number | undefined;
  let phase: 'plan' | 'wait' = 'plan';
  for (const r of history) {
    if (r.type === 'tie-wait') [phase, waitAt] = ['wait', r.t];
    if (r.type === 'quiescence') {
      if (waitAt !== undefined) tally.waitedMs += r.t - waitAt;
      break;
    }
    if (r.type !== 'event' || !tied.has(r.index)) continue;
    if (phase === 'plan') tally.byPlanEnd++;
    tally.byQuiescence++;
    if (r.applied) tally.applied++;
  }
  if (waitAt !== undefined) tally.waits++;
  tally.runs++;
}

const pct = (n: number, of: number): string => `${of === 0 ? '-' : ((100 * n) / of).toFixed(1)}%`;

function line(name: string, t: Tally): string {
  return (
    `${name.padEnd(34)} ${String(t.drawn).padStart(6)} tied drawn; fired by the plan's end ${pct(t.byPlanEnd, t.drawn).padStart(6)}, ` +
    `by quiescence ${pct(t.byQuiescence, t.drawn).padStart(6)} (applied ${pct(t.applied, t.drawn)}); ` +
    `${pct(t.waits, t.runs)} of runs waited, ${Math.round(t.waitedMs / Math.max(1, t.waits))} model ms each; ` +
    `${Math.round((1000 * t.runs) / t.cpuMs)} runs/s`
  );
}

const total = empty();
for (const scenario of SIM_SCENARIOS.filter((s) => (s.weights['on-activity'] ?? 0) > 0)) {
  const config = resolveRun(scenario);
  const tally = empty();
  for (let seed = 1; seed <= seeds; seed++) {
    for (const [plan, simSeed] of fc.sample(caseArbitrary(config, {}), { numRuns: casesPerSeed, seed })) {
      const start = performance.now();
      const history = simulate(config, plan, simSeed);
      tally.cpuMs += performance.now() - start;
      count(tally, plan, history);
    }
  }
  console.log(line(scenario.name, tally));
  for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += tally[k];
}
console.log(line('all', total));
