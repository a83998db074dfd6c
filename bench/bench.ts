/**
 * The bench itself, as a function: for every must-fail scenario, each strategy and the fast-check
 * baseline from the same seeds; then the sim's runs per second. bench/run.ts runs it with the
 * defaults below and writes bench/results.json; tests run it small.
 */
import { resolveRun } from '../harness/run-config.ts';
import type { Scenario } from '../harness/scenario.ts';
import { STRATEGY_NAMES, type StrategyName } from '../harness/strategies/names.ts';
import type { PropertyName } from '../properties/property.ts';
import { minimalEvents, minimalEventsFor } from '../scenarios/minimal-counterexamples.ts';
import { SIM_SCENARIOS } from '../scenarios/index.ts';
import { attemptBaseline, attemptStrategy, type Attempt } from './detection.ts';
import { better, figure, type Fig } from './figures.ts';
import type { BenchResults, ScenarioResult } from './results.ts';
import { combinedRunsPerSecond, CORE_SCENARIOS, throughput, type Throughput } from './throughput.ts';

export interface BenchOptions {
  seeds: number;
  /** Budget per attempt: a scenario not found within it counts as never found. */
  maxRuns: number;
  /** Runs per core scenario for the runs-per-second figure (0: skip it). */
  throughputRuns: number;
  scenarios: readonly Scenario[];
  /** Called when a scenario is done (progress on stderr). */
  progress?: (scenario: string) => void;
}

export const DEFAULT_BENCH: BenchOptions = { seeds: 20, maxRuns: 1000, throughputRuns: 5000, scenarios: SIM_SCENARIOS };

export interface BenchRun {
  results: BenchResults;
  /** Per scenario and strategy (and 'baseline'): how far the longest shrunk plan exceeds its
   *  property's minimal known length (the bar is +1). */
  excess: Map<string, Map<string, number | null>>;
  throughput: Throughput[];
}

export function mustFail(scenario: Scenario): PropertyName[] {
  return (Object.keys(scenario.expect) as PropertyName[]).filter((p) => scenario.expect[p] === 'violated');
}

function excessOver(scenario: string, attempts: readonly Attempt[]): number | null {
  const over = attempts.flatMap((a) =>
    Object.entries(a.shrunk).flatMap(([p, n]) => {
      const minimal = minimalEventsFor(scenario, p as PropertyName);
      return minimal === undefined ? [] : [(n as number) - minimal];
    }),
  );
  return over.length > 0 ? Math.max(...over) : null;
}

export function runBench(options: BenchOptions): BenchRun {
  const seeds = Array.from({ length: options.seeds }, (_, i) => i + 1);
  const scenarios: ScenarioResult[] = [];
  const excess = new Map<string, Map<string, number | null>>();
  for (const scenario of options.scenarios) {
    const properties = mustFail(scenario);
    if (properties.length === 0) continue;
    const config = resolveRun(scenario, { properties });
    const marks = new Map<string, number | null>();
    const strategies = {} as Record<StrategyName, Fig>;
    for (const strategy of STRATEGY_NAMES) {
      const attempts = seeds.map((seed) => attemptStrategy(config, strategy, seed, options.maxRuns));
      strategies[strategy] = figure(strategy, attempts);
      marks.set(strategy, excessOver(scenario.name, attempts));
    }
    const baseline = seeds.map((seed) => attemptBaseline(config, seed, options.maxRuns));
    marks.set('baseline', excessOver(scenario.name, baseline));
    excess.set(scenario.name, marks);
    scenarios.push({
      name: scenario.name,
      mustFail: properties,
      minimalEvents: minimalEvents(scenario.name) ?? null,
      strategies,
      best: Object.values(strategies).reduce(better),
      baseline: figure('baseline', baseline),
    });
    options.progress?.(scenario.name);
  }
  // throughputRuns 0: the runs-per-second figure is skipped (a quick bench).
  const speeds =
    options.throughputRuns > 0 ? CORE_SCENARIOS.map((name) => throughput(name, options.throughputRuns)) : [];
  const sim = speeds.length > 0 ? combinedRunsPerSecond(speeds) : 0;
  return { results: { scenarios, runsPerSecond: { sim } }, excess, throughput: speeds };
}
