/**
 * The run at which a --client-cmd program first fails, on the process target: what the
 * runs-to-failure benches (client-runs-to-failure.ts, tied-upgrades.ts, activity-faults.ts) measure
 * seed by seed. Phase one only: it stops at the first violation, confirms and shrinks nothing, so
 * the number is how many of a scenario's draws a planted bug needs to show.
 */
import { exploreTarget } from '../harness/explore-target.ts';
import type { Failure } from '../harness/explore-result.ts';
import { resolveRun } from '../harness/run-config.ts';
import type { Scenario } from '../harness/scenario.ts';
import { createProcessTarget } from '../harness/targets/process/index.ts';
import type { PropertyName } from '../properties/property.ts';

export interface FirstFailureOptions {
  /** The program, as `run --client-cmd` takes it (relative paths are the program's own). */
  command: string;
  scenario: Scenario;
  property: PropertyName;
  seed: number;
  /** Runs at the most before "never". */
  budget: number;
  concurrency: number;
}

/** The run (1-based) that first violated the property, with its failure; undefined within the budget. */
export async function firstFailure(o: FirstFailureOptions): Promise<{ run: number; failure: Failure } | undefined> {
  // Drawn as `run --client-cmd` draws a program's plans (run-config.ts forProgram: one client).
  const config = resolveRun(o.scenario, { properties: [o.property] }, o.command);
  const target = await createProcessTarget({ clientCommand: o.command });
  try {
    const result = await exploreTarget(target, config, {
      runs: o.budget,
      seed: o.seed,
      concurrency: o.concurrency,
      stopWhenAllViolated: true,
      shrinkOnSim: false,
      confirmRuns: 0,
      shrinkTimeLimitMs: 1,
    });
    const run = result.properties[0]?.firstFailureRun;
    const failure = result.failures[0];
    return run && failure ? { run, failure } : undefined;
  } finally {
    await target.close();
  }
}

/**
 * The closing line over seeds: how many found the bug within the budget and the median run, a seed
 * that found nothing counted as budget + 1 (past the budget); `runs` are those counts, seed order.
 */
export function summary(found: readonly (number | undefined)[], budget: number): { line: string; runs: number[] } {
  const runs = found.map((r) => r ?? budget + 1);
  const within = found.filter((r) => r !== undefined).length;
  const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? NaN;
  return { line: `found within ${budget} runs for ${within}/${found.length} seeds; median ${median} runs`, runs };
}
