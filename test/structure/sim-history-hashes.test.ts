/**
 * Sim histories do not drift by accident. test/fixtures/sim-history-hashes.json holds, for every
 * sim scenario of the corpus, a few plans (sampled once from the plan arbitrary, plus the minimal
 * known counterexamples) with sim seeds and the hash of the history each run gave. Every run must
 * give the same hash again: a refactoring that claims not to change behaviour proves it here, and
 * nondeterminism (a Map iterated in insertion order that changed, a stray Date.now) shows up.
 *
 * When a change is MEANT to change histories (a new record type, a new controller behaviour, a
 * scenario's profile changed), regenerate the fixture deliberately and commit it with the change,
 * saying in the commit message why histories moved:
 *
 *   UPDATE_SIM_HASHES=1 npx vitest run test/structure/sim-history-hashes.test.ts
 *     recomputes the hashes of the stored plans (the plans stay: the diff shows which runs moved);
 *     scenarios new to the corpus get freshly sampled plans, removed ones are dropped.
 *   UPDATE_SIM_HASHES=resample npx vitest run test/structure/sim-history-hashes.test.ts
 *     also resamples every plan (when the plan format itself changed).
 *
 * The plans are stored rather than sampled at test time so that a change to the plan arbitrary
 * (weights, lengths) does not read as a change of the sim.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planArbitrary } from '../../harness/arbitraries.ts';
import { historyHash } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import type { Scenario } from '../../harness/scenario.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { MINIMAL_COUNTEREXAMPLES } from '../../scenarios/minimal-counterexamples.ts';
import { SIM_SCENARIOS } from '../../scenarios/index.ts';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/sim-history-hashes.json');
const UPDATE = process.env['UPDATE_SIM_HASHES'];
/** Sampled plans per scenario, and the sim seeds each plan runs under. */
const PLANS_PER_SCENARIO = 10;
const SIM_SEEDS = [0, 1, 4242];

interface HashedRun {
  scenario: string;
  plan: Plan;
  seed: number;
  hash: string;
}

function samplePlans(scenario: Scenario): Plan[] {
  const sampled = fc.sample(planArbitrary(scenario), { seed: 20261126, numRuns: PLANS_PER_SCENARIO });
  const minimal = MINIMAL_COUNTEREXAMPLES.filter((c) => c.scenario === scenario.name).map((c) => c.plan);
  return [...sampled, ...minimal];
}

function runHash(scenario: Scenario, plan: Plan, seed: number): string {
  return historyHash(simulate(resolveRun(scenario), plan, seed));
}

function storedRuns(): HashedRun[] {
  return existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as HashedRun[]) : [];
}

/** The fixture's runs, recomputed (see the header for when and how). */
function regenerate(): HashedRun[] {
  const stored = UPDATE === 'resample' ? [] : storedRuns();
  return SIM_SCENARIOS.flatMap((scenario) => {
    const mine = stored.filter((r) => r.scenario === scenario.name);
    const cases =
      mine.length > 0
        ? mine.map((r) => ({ plan: r.plan, seed: r.seed }))
        : samplePlans(scenario).flatMap((plan) => SIM_SEEDS.map((seed) => ({ plan, seed })));
    return cases.map(({ plan, seed }) => ({
      scenario: scenario.name,
      plan,
      seed,
      hash: runHash(scenario, plan, seed),
    }));
  });
}

/** One run per line, so a diff of the fixture reads as a list of the runs that moved. */
function writeFixture(runs: HashedRun[]): void {
  writeFileSync(FIXTURE, `[\n${runs.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
}

if (UPDATE) writeFixture(regenerate());
const runs = storedRuns();

describe('sim history hashes (test/fixtures/sim-history-hashes.json)', () => {
  it('cover every sim scenario of the corpus', () => {
    expect([...new Set(runs.map((r) => r.scenario))].sort()).toEqual(SIM_SCENARIOS.map((s) => s.name).sort());
  });

  it.each(SIM_SCENARIOS.map((s) => [s.name, s] as const))('%s: every stored run gives its stored hash', (name, s) => {
    const mine = runs.filter((r) => r.scenario === name);
    const actual = mine.map((r) => runHash(s, r.plan, r.seed));
    expect(actual, 'see the header of this test to regenerate the fixture on purpose').toEqual(mine.map((r) => r.hash));
  });
});
