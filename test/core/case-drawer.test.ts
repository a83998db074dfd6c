/**
 * A case drawn by index (what a sim worker runs) is exactly the case fc.check gives the survey at
 * that index (what explore() runs): the same plan and sim seed, index by index, for every scenario,
 * seeds of every kind fast-check reads, plan options, a source with examples, and a drawer that
 * skips cases (a worker draws only its own ranges).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseDrawer } from '../../harness/case-drawer.ts';
import type { ExploreOptions } from '../../harness/explore-result.ts';
import { resolveRun, type RunConfig } from '../../harness/run-config.ts';
import { caseSource, type Case, type CaseSource } from '../../harness/strategies/index.ts';
import { Tally } from '../../harness/tally.ts';
import { SCENARIOS, scenarioByName } from '../../scenarios/index.ts';

const hash = (c: Case): string => createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 16);

/** The hashes of the cases explore()'s survey checks, in order: its own fc.check parameters. */
function surveyed(config: RunConfig, source: CaseSource, options: ExploreOptions): string[] {
  const hashes: string[] = [];
  const params = new Tally(config, options).checkParams(source);
  const details = fc.check(
    fc.property(source.arbitrary, (c) => {
      hashes.push(hash(c));
      return true;
    }),
    params,
  );
  expect(details.failed).toBe(false);
  return hashes;
}

/** The hashes of the cases at `indexes` (increasing), drawn by index. */
function drawn(source: CaseSource, seed: number, indexes: readonly number[]): string[] {
  const drawer = new CaseDrawer(source, seed);
  return indexes.map((i) => hash(drawer.at(i)));
}

const SEEDS = [1, 42, 0, -3, 0x7fffffff, -0x80000000, 2 ** 32 + 5, 0.5];
const RUNS = 40;
const every = Array.from({ length: RUNS }, (_, i) => i);
const someOf = every.filter((i) => i % 3 === 2);

describe('CaseDrawer draws the case fc.check gives each index', () => {
  it('for every scenario and seed, all indexes and a stride of them', () => {
    for (const scenario of SCENARIOS) {
      const config = resolveRun(scenario);
      for (const seed of SEEDS) {
        const options = { runs: RUNS, seed };
        const source = caseSource(config, options);
        const expected = surveyed(config, source, options);
        expect(drawn(source, seed, every), `${scenario.name} seed ${seed}`).toEqual(expected);
        expect(drawn(source, seed, someOf), `${scenario.name} seed ${seed}, a stride`).toEqual(
          someOf.map((i) => expected[i]),
        );
      }
    }
  });

  it('with plan options (longest, shortest, weights)', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);
    const variants: ExploreOptions[] = [
      { runs: RUNS, seed: 9, maxEvents: 4 },
      { runs: RUNS, seed: 9, minEvents: 6, maxEvents: 12 },
      { runs: RUNS, seed: 9, weights: { ...config.scenario.weights, upgrade: 50 } },
    ];
    for (const options of variants) {
      const source = caseSource(config, options);
      expect(drawn(source, options.seed, every), JSON.stringify(options)).toEqual(surveyed(config, source, options));
    }
  });

  it('hands out a source’s examples first, then generates from index 0 of the generator', () => {
    const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
    const options = { runs: RUNS, seed: 5 };
    const generated = caseSource(config, options);
    const examples = fc.sample(generated.arbitrary, { numRuns: 7, seed: 77 });
    const source: CaseSource = { ...generated, examples };
    const expected = surveyed(config, source, options);
    expect(expected.slice(0, 7)).toEqual(examples.map(hash));
    expect(drawn(source, 5, every)).toEqual(expected);
    expect(drawn(source, 5, someOf)).toEqual(someOf.map((i) => expected[i]));
  });

  it('refuses an index below one it has drawn past, and draws the same index again alike', () => {
    const source = caseSource(resolveRun(scenarioByName('juju-1.24-gated-api')!), { runs: RUNS, seed: 3 });
    const drawer = new CaseDrawer(source, 3);
    const fifth = hash(drawer.at(5));
    expect(hash(drawer.at(5))).toBe(fifth);
    expect(() => drawer.at(4)).toThrow(/never decrease/);
  });
});
