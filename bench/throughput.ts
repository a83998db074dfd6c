/**
 * Runs per second on the sim, for the two core scenarios issue 2 names: phase one of `explore`
 * (generate a case, simulate it, check the scenario's properties on its history).
 */
import { explore } from '../harness/explore.ts';
import { resolveRun } from '../harness/run-config.ts';
import { scenarioByName } from '../scenarios/index.ts';

export const CORE_SCENARIOS = ['juju-1.22-implicit-upgrade', 'juju-1.24-gated-api'] as const;

export interface Throughput {
  scenario: string;
  runs: number;
  runsPerSecond: number;
}

export function throughput(scenario: string, runs: number, seed = 1): Throughput {
  // explore's runsPerSecond times phase one only: shrinking what it found is not counted.
  const result = explore(resolveRun(scenarioByName(scenario)!), { runs, seed });
  return { scenario, runs: result.runs, runsPerSecond: result.runsPerSecond };
}

/** One figure for a target: every run of the core scenarios over the time they took together. */
export function combinedRunsPerSecond(figures: readonly Throughput[]): number {
  const seconds = figures.reduce((t, f) => t + f.runs / f.runsPerSecond, 0);
  return Math.round((figures.reduce((n, f) => n + f.runs, 0) / seconds) * 100) / 100;
}
