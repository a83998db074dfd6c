/**
 * A fault the harness injects must really happen. A `restart` that no longer takes the agent down,
 * a partition or a pause that no longer holds anything, a crash that kills nothing, would leave every scenario's verdicts as
 * they were (a fault that never happens breaks no property), and the corpus would go on passing
 * while it tests nothing it claims to. So each sim scenario that draws a fault must see it applied
 * (coverage's `applied`, what `run --coverage` prints) in some of its first cases.
 *
 * Also a kill criterion of `npm run mutation` (vitest.mutation.config.ts includes this file).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseCoverage, emptyCoverage, mergeCoverage } from '../../harness/coverage.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { caseSource } from '../../harness/strategies/index.ts';
import { SIM_SCENARIOS } from '../../scenarios/index.ts';

const FAULTS = ['restart', 'partition', 'pause', 'crash'] as const;
const RUNS = 40;
const SEED = 1;

describe('every fault a scenario draws takes effect', () => {
  it.each(SIM_SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const config = resolveRun(scenario);
    const coverage = emptyCoverage();
    for (const [plan, simSeed] of fc.sample(caseSource(config, { runs: RUNS, seed: SEED }).arbitrary, {
      seed: SEED,
      numRuns: RUNS,
    }))
      mergeCoverage(coverage, caseCoverage(runSim(config, plan, simSeed).history));
    const drawn = FAULTS.filter((kind) => (coverage.events[kind]?.total ?? 0) > 0);
    const applied = Object.fromEntries(drawn.map((kind) => [kind, (coverage.events[kind]?.applied ?? 0) > 0]));
    expect(applied).toEqual(Object.fromEntries(drawn.map((kind) => [kind, true])));
  });
});
