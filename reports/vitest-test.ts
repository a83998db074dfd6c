/**
 * The vitest test `replay` prints: paste it into your project and it fails, with the same
 * counterexample, until the race is fixed. For the random strategy it is plain fast-check with the
 * seed, path and endOnFailure that reach the case (fast-check's own replay key); for the coverage
 * strategy, whose cases are computed from the runs before them rather than drawn, it runs the
 * shrunk plan itself. A built-in
 * scenario is named; a scenario from a file is written out whole, so the test needs no file.
 */
import type { Plan } from '../harness/plan.ts';
import type { Overrides } from '../harness/run-config.ts';
import type { Scenario } from '../harness/scenario.ts';
import type { StrategyName } from '../harness/strategies/names.ts';

export interface VitestTestInput {
  scenario: Scenario;
  /** Whether `scenarioByName(scenario.name)` gives this very scenario. */
  builtIn: boolean;
  overrides: Overrides;
  property: string;
  seed: number;
  path: string;
  strategy: StrategyName;
  maxEvents?: number;
  plan: Plan;
  simSeed: number;
}

export function formatVitestTest(input: VitestTestInput): string {
  const { scenario, property } = input;
  const overrides = JSON.stringify({
    ...(input.overrides.controller ? { controller: input.overrides.controller } : {}),
    ...(input.overrides.client ? { client: input.overrides.client } : {}),
    properties: [property],
  });
  const scenarioExpr = input.builtIn
    ? `scenarioByName(${JSON.stringify(scenario.name)})!`
    : JSON.stringify(withoutSource(scenario), null, 2).replace(/\n/g, '\n  ');
  const imports = input.builtIn ? 'resolveRun, runSim, scenarioByName' : 'resolveRun, runSim';
  const name = `${scenario.name}: ${property} holds (upgrade-chaos seed ${input.seed}, path ${input.path})`;
  // coverage computes each case from the runs before it, so fast-check cannot draw it: run the plan itself.
  if (input.strategy !== 'random') {
    return [
      `import { expect, test } from 'vitest';`,
      `import { ${imports} } from 'upgrade-chaos';`,
      ``,
      `test(${JSON.stringify(name)}, () => {`,
      `  const config = resolveRun(${scenarioExpr}, ${overrides});`,
      `  const plan = ${JSON.stringify(input.plan)};`,
      `  expect(runSim(config, plan, ${input.simSeed}).violations).toEqual([]);`,
      `});`,
    ].join('\n');
  }
  const planOptions = JSON.stringify(input.maxEvents !== undefined ? { maxEvents: input.maxEvents } : {});
  return [
    `import fc from 'fast-check';`,
    `import { expect, test } from 'vitest';`,
    `import { caseArbitrary, ${imports} } from 'upgrade-chaos';`,
    ``,
    `test(${JSON.stringify(name)}, () => {`,
    `  const config = resolveRun(${scenarioExpr}, ${overrides});`,
    `  fc.assert(`,
    `    fc.property(caseArbitrary(config, ${planOptions}), ([plan, simSeed]) => {`,
    `      expect(runSim(config, plan, simSeed).violations).toEqual([]);`,
    `    }),`,
    `    { seed: ${input.seed}, path: ${JSON.stringify(input.path)}, endOnFailure: true },`,
    `  );`,
    `});`,
  ].join('\n');
}

function withoutSource(scenario: Scenario): Omit<Scenario, 'source'> {
  const { source: _source, ...rest } = scenario;
  return rest;
}
