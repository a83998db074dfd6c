/**
 * Concurrent runs keep the meaning of seeds and paths: the cases are the ones a one-at-a-time survey
 * runs, and results are taken in case order whatever order they finish in. The target here is the
 * sim with a real delay before each run answers, different per case, so runs in flight finish out of
 * order, as they do on the process target.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { caseList } from '../../harness/case-list.ts';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { explore } from '../../harness/explore.ts';
import { exploreTarget } from '../../harness/explore-target.ts';
import { reproductionOf } from '../../harness/explore-result.ts';
import { Limiter, runInCaseOrder } from '../../harness/in-case-order.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { caseSource } from '../../harness/strategies/index.ts';
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import type { Target } from '../../harness/targets/target.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const naive = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);

/** The sim, answering each run after a real delay drawn from the run's seed (0-7 ms). */
function scrambledSim(): Target & { inFlight: number; mostInFlight: number } {
  const sim = createSimTarget();
  const target = {
    name: 'sim' as const,
    inFlight: 0,
    mostInFlight: 0,
    maxConcurrency: Infinity,
    run: async (...args: Parameters<Target['run']>) => {
      target.inFlight++;
      target.mostInFlight = Math.max(target.mostInFlight, target.inFlight);
      const history = await sim.run(...args);
      await new Promise((r) => setTimeout(r, Math.abs(args[2]) % 8));
      target.inFlight--;
      return history;
    },
    close: () => sim.close(),
  };
  return target;
}

describe('concurrent runs in case order', () => {
  it('caseList gives the cases of a one-at-a-time survey, in order: case i is path i-1', () => {
    const source = caseSource(naive, { seed: 7, runs: 30 });
    const cases = caseList(source, 7, 30);
    expect(cases).toHaveLength(30);
    for (const i of [0, 1, 13, 29]) expect(caseAtPath(naive, { seed: 7, path: String(i) })).toEqual(cases[i]);
  });

  it('runInCaseOrder hands results over in case order, stops after the case that says stop, starts at most the limit', async () => {
    const taken: number[] = [];
    let inFlight = 0;
    let most = 0;
    await runInCaseOrder([...Array(40).keys()], {
      limiter: new Limiter(5),
      run: async (n) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, (n * 7) % 11));
        inFlight--;
        return n * 2;
      },
      take: (result, n) => {
        expect(result).toBe(n * 2);
        taken.push(n);
        return n < 25;
      },
    });
    expect(taken).toEqual([...Array(26).keys()]);
    expect(most).toBe(5);
  });

  it('runInCaseOrder reports the error of the first case in case order', async () => {
    const run = async (n: number): Promise<number> => {
      await new Promise((r) => setTimeout(r, 20 - n));
      if (n === 3 || n === 6) throw new Error(`case ${n}`);
      return n;
    };
    await expect(
      runInCaseOrder([...Array(10).keys()], { limiter: new Limiter(10), run, take: () => true }),
    ).rejects.toThrow('case 3');
  });

  it('exploreTarget with 8 in flight finds what the sequential sim exploration finds: same runs, first failures, paths and plans', async () => {
    const options = { runs: 120, seed: 5 };
    const sequential = explore(naive, options);
    const target = scrambledSim();
    const concurrent = await exploreTarget(target, naive, {
      ...options,
      shrinkOnSim: true,
      confirmRuns: 3,
      shrinkTimeLimitMs: 10_000,
      concurrency: 8,
    });
    expect(target.mostInFlight).toBe(8);
    expect(concurrent.runs).toBe(sequential.runs);
    const withoutTimes = (ps: typeof sequential.properties) => ps.map(({ firstFailureMs: _, ...p }) => p);
    expect(withoutTimes(concurrent.properties)).toEqual(withoutTimes(sequential.properties));
    expect(sequential.failures.length).toBeGreaterThan(0);
    expect(concurrent.failures.map((f) => [f.property, f.path, f.plan, f.simSeed, reproductionOf(f)])).toEqual(
      sequential.failures.map((f) => [f.property, f.path, f.plan, f.simSeed, { runs: 3, failed: 3 }]),
    );
  });

  it('with --concurrency 1 runs one case at a time', async () => {
    const target = scrambledSim();
    const result = await exploreTarget(target, naive, {
      runs: 20,
      seed: 5,
      shrinkOnSim: true,
      confirmRuns: 2,
      shrinkTimeLimitMs: 10_000,
      concurrency: 1,
    });
    expect(target.mostInFlight).toBe(1);
    expect(result.runs).toBeGreaterThan(0);
  });

  it('caseList matches fast-check sampling for any seed', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const source = caseSource(naive, { seed, runs: 3 });
        const cases = caseList(source, seed, 3);
        expect(caseAtPath(naive, { seed, path: '2' })).toEqual(cases[2]);
      }),
      { numRuns: 10 },
    );
  });
});
