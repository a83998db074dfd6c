/**
 * The kill criterion of `npm run mutation` (StrykerJS over harness/controller/ and
 * harness/clients/; see stryker.config.json and vitest.mutation.config.ts). Not part of `npm test`:
 * its file name does not end in .test.ts.
 *
 * It asks what a user of the harness asks: does the sim corpus still give every verdict its
 * scenarios expect? Each sim scenario runs RUNS cases (fixed seed) with every property it claims,
 * and each claimed verdict must be observed; every minimal known counterexample must still violate
 * its property, and every held race (scenarios/held-races.ts) must still hold. A mutant of the controller model or a client profile that survives changed the code
 * in a way no expectation notices: a blind spot of the properties or of the corpus. (The history
 * hash test would kill almost every mutant, which says nothing about the properties; it is left out.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { caseSource, type Case } from '../../harness/strategies/index.ts';
import type { PropertyName, PropertyVerdict } from '../../properties/property.ts';
import { HELD_RACES } from '../../scenarios/held-races.ts';
import { MINIMAL_COUNTEREXAMPLES } from '../../scenarios/minimal-counterexamples.ts';
import { SIM_SCENARIOS, scenarioByName } from '../../scenarios/index.ts';

/** Cases every scenario runs (its held claims are judged on these), and the most it runs to find
 *  each violation it expects (most are found in the first few cases; a few need more). */
const RUNS = Number(process.env['MUTATION_RUNS'] ?? 40);
const MAX_RUNS = 400;
const SEED = 1;

describe('the sim corpus gives every expected verdict', () => {
  it.each(SIM_SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const config = resolveRun(scenario);
    const arbitrary = caseSource(config, { runs: MAX_RUNS, seed: SEED }).arbitrary;
    const expectedViolations = config.properties.filter((p) => scenario.expect[p] === 'violated');
    const violated = new Set<PropertyName>();
    const unknown = new Set<PropertyName>();
    const judge = (cases: readonly Case[]): void => {
      for (const [plan, simSeed] of cases) {
        const run = runSim(config, plan, simSeed);
        for (const v of run.violations) violated.add(v.property);
        for (const u of run.unknown) unknown.add(u.property);
        if (expectedViolations.every((p) => violated.has(p)) && cases.length > RUNS) return;
      }
    };
    judge(fc.sample(arbitrary, { seed: SEED, numRuns: RUNS }));
    // fast-check draws the same first RUNS cases again: go on from there only if a violation is missing.
    if (!expectedViolations.every((p) => violated.has(p)))
      judge(fc.sample(arbitrary, { seed: SEED, numRuns: MAX_RUNS }).slice(RUNS));
    const observed = Object.fromEntries(
      config.properties.map((p): [PropertyName, PropertyVerdict] => [
        p,
        violated.has(p) ? 'violated' : unknown.has(p) ? 'unknown' : 'held',
      ]),
    );
    expect(observed).toEqual(scenario.expect);
  });

  it.each(MINIMAL_COUNTEREXAMPLES.map((c) => [`${c.scenario} × ${c.property}`, c] as const))(
    'minimal counterexample %s still violates',
    (_name, c) => {
      const config = resolveRun(scenarioByName(c.scenario)!, { properties: [c.property] });
      expect(runSim(config, c.plan, c.simSeed).violations.map((v) => v.property)).toContain(c.property);
    },
  );

  it.each(HELD_RACES.map((r) => [`${r.scenario} × ${r.property}`, r] as const))(
    'held race %s still holds',
    (_name, r) => {
      const config = resolveRun(scenarioByName(r.scenario)!, { properties: [r.property] });
      expect(runSim(config, r.plan, r.simSeed).violations).toEqual([]);
    },
  );
});
