/**
 * Concurrent runs keep the meaning of seeds and paths: the cases are the ones a one-at-a-time survey
 * runs, and results are taken in case order whatever order they finish in. The target here is the
 * sim with a real delay before each run answers, different per case, so runs in flight finish out of
 * order, as they do on the process target.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { explore } from '../../harness/explore.ts';
import { exploreTarget } from '../../harness/explore-target.ts';
import { reproductionOf } from '../../harness/explore-result.ts';
import { Limiter } from '../../harness/limiter.ts';
import { orderedSurvey } from '../../harness/ordered-survey.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { caseSource, type Case } from '../../harness/strategies/index.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { delayedSim, type DelayedSim } from './delayed-sim.ts';

const naive = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);

/** The sim, answering each run after a real delay drawn from the run's seed (0-7 ms). */
const scrambledSim = (): DelayedSim => delayedSim({ delayMs: (simSeed) => Math.abs(simSeed) % 8 });

describe('concurrent runs in case order', () => {
  const source = caseSource(naive, { seed: 1, runs: 200 });
  const params = { seed: 1, numRuns: 200, endOnFailure: true };
  // Outcomes arrive out of order: each case settles after a delay drawn from its sim seed.
  const later = <T>(c: Case, value: () => T): Promise<T> =>
    new Promise((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(value());
        } catch (e) {
          reject(e as Error);
        }
      }, c[1] % 7),
    );
  /** The cases a one-at-a-time fc.check runs, up to the one `stopAt` stops at. */
  const sequentialCases = (stopAt: (c: Case) => boolean): Case[] => {
    const cases: Case[] = [];
    fc.check(
      fc.property(source.arbitrary, (c) => {
        cases.push(c);
        return !stopAt(c);
      }),
      params,
    );
    return cases;
  };

  it('orderedSurvey notes outcomes in case order and stops at the case a sequential check stops at', async () => {
    const stopAt = (c: Case) => c[0].length >= 12;
    const sequential = sequentialCases(stopAt);
    const noted: Case[] = [];
    let inFlight = 0;
    let most = 0;
    const runner = {
      start: (c: Case) => {
        most = Math.max(most, ++inFlight);
        return later(c, () => (inFlight--, c));
      },
    };
    const details = await orderedSurvey(source, params, {
      runner,
      inFlight: 16,
      note: (c, o) => {
        expect(o).toBe(c);
        noted.push(c);
        return !stopAt(c);
      },
    });
    expect(details.failed).toBe(sequential.length < 200);
    expect(noted).toEqual(sequential);
    expect(most).toBe(16);
  });

  it('orderedSurvey lets later cases go past a slow one (up to its window), and still notes in case order', async () => {
    // Case 0 finishes only once 40 later cases have started: with 4 running at most, that takes
    // a window past it (a slow run waiting out a deadline must not stall the others).
    let started = 0;
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let running = 0;
    let most = 0;
    const runner = {
      start: () => {
        const i = started++;
        most = Math.max(most, ++running);
        if (started === 41) release();
        return (i === 0 ? slow : Promise.resolve()).then(() => (running--, i));
      },
    };
    const noted: number[] = [];
    await orderedSurvey(
      source,
      { ...params, numRuns: 60 },
      { runner, inFlight: 4, window: 64, note: (_c, i) => noted.push(i) > 0 },
    );
    expect(noted).toEqual([...Array(60).keys()]);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('orderedSurvey with a priority starts the highest-ranked of a window first, keeps each case its draw index, and notes in case order', async () => {
    const sequential = sequentialCases(() => false).slice(0, 30);
    const startedIndexes: number[] = [];
    const runner = {
      start: (c: Case, index: number) => {
        startedIndexes.push(index);
        expect(c).toEqual(sequential[index]);
        return later(c, () => c);
      },
    };
    const noted: Case[] = [];
    const rank = (c: Case) => c[1] % 1000;
    await orderedSurvey(
      source,
      { ...params, numRuns: 30 },
      {
        runner,
        inFlight: 2,
        window: 10,
        priority: rank,
        note: (c) => noted.push(c) > 0,
      },
    );
    expect(noted).toEqual(sequential);
    const firstWindow = sequential.slice(0, 10).map((c, i) => ({ i, r: rank(c) }));
    const topTwo = [...firstWindow]
      .sort((a, b) => b.r - a.r)
      .slice(0, 2)
      .map((x) => x.i);
    expect(startedIndexes.slice(0, 2)).toEqual(topTwo);
    expect([...startedIndexes].sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
  });

  it('orderedSurvey throws the error of the first failing case in case order, after noting the cases before it', async () => {
    let index = 0;
    const failing = new Set([9, 4]);
    const runner = {
      start: (c: Case) => {
        const i = index++;
        return later(c, () => {
          if (failing.has(i)) throw new Error(`case ${i} broke`);
          return i;
        });
      },
    };
    const noted: number[] = [];
    const survey = orderedSurvey(source, params, { runner, inFlight: 8, note: (_c, i) => noted.push(i) > 0 });
    await expect(survey).rejects.toThrow('case 4 broke');
    expect(noted).toEqual([0, 1, 2, 3]);
  });

  it('orderedSurvey starts nothing once mayStart says no, and still notes the cases in flight', async () => {
    let started = 0;
    const noted: Case[] = [];
    const runner = { start: (c: Case) => (started++, later(c, () => c)) };
    await orderedSurvey(source, params, {
      runner,
      inFlight: 5,
      note: (c) => noted.push(c) > 0,
      mayStart: () => started < 12,
    });
    expect(started).toBe(12);
    expect(noted).toEqual(sequentialCases(() => false).slice(0, 12));
  });

  it('a Limiter runs at most its limit at once, first asked first served', async () => {
    const limiter = new Limiter(3);
    const order: number[] = [];
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      [...Array(10).keys()].map((n) =>
        limiter.run(async () => {
          order.push(n);
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, (n * 7) % 5));
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(order).toEqual([...Array(10).keys()]);
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
});
