/**
 * Shrinking on a real target (harness/target-shrink.ts), played on the sim behind the async target
 * interface with a real delay per run, so runs in flight finish out of order as on the process
 * target, and verdicts are exact: with --concurrency N the candidates run N at once and the shrunk
 * plan and path are those of one at a time (and of the sim's own shrinking); a time budget that runs
 * out is reported, and the path printed replays the plan shown even when a run was in flight then.
 */
import { describe, expect, it } from 'vitest';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { explore } from '../../harness/explore.ts';
import { exploreTarget, type TargetExploreOptions } from '../../harness/explore-target.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { shrinkOnSim } from '../../harness/sim-shrink.ts';
import { caseSource } from '../../harness/strategies/index.ts';
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import type { RunHooks, Target } from '../../harness/targets/target.ts';
import { failureJson } from '../../reports/json.ts';
import { formatFailure } from '../../reports/console.ts';
import { configOf } from '../targets/scenario-config.ts';

const SEED = 1;
const config: RunConfig = { ...configOf('juju-1.22-implicit-upgrade'), properties: ['deployments-complete'] };
const found = explore(config, { seed: SEED, runs: 100, shrink: false }).properties[0]!.firstFailureRun!;
const sequential = shrinkOnSim(config, caseSource(config, { seed: SEED, runs: found }), SEED, found)!;
const [original] = caseAtPath(config, { seed: SEED, path: String(found - 1) });
const fails = (plan: Plan, simSeed: number): boolean => runSim(config, plan, simSeed).violations.length > 0;

/** Resolves after `ms`, or at once (false) when `signal` aborts: a real run stops then. */
const sleep = (ms: number, signal?: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve(false)), { once: true });
  });

/** The sim as a target taking many runs at once, each answering after 1-8 ms; `hold` may keep a
 *  run longer. A run whose signal aborts rejects, as a real target's. */
function delayedSim(hold?: (plan: Plan, simSeed: number, signal?: AbortSignal) => Promise<void>) {
  const sim = createSimTarget();
  const counts = { inFlight: 0, most: 0, runs: 0 };
  const target: Target = {
    name: 'sim',
    maxConcurrency: Infinity,
    run: async (c, plan, simSeed, hooks?: RunHooks) => {
      counts.runs++;
      counts.most = Math.max(counts.most, ++counts.inFlight);
      try {
        await hold?.(plan, simSeed, hooks?.signal);
        if (!(await sleep(1 + (simSeed % 8), hooks?.signal))) throw new Error('stopped');
        return await sim.run(c, plan, simSeed);
      } finally {
        counts.inFlight--;
      }
    },
    close: () => sim.close(),
  };
  return { target, counts };
}

const options = (concurrency: number, shrinkTimeLimitMs = 60_000): TargetExploreOptions => ({
  seed: SEED,
  runs: found,
  shrinkOnSim: false, // shrink on the target itself, as for a --client-cmd program
  confirmRuns: 1,
  shrinkTimeLimitMs,
  concurrency,
});

describe('shrinking on a real target', () => {
  it.each([1, 8])('with --concurrency %i, shrinks to the plan and path of one-at-a-time shrinking', async (n) => {
    const { target, counts } = delayedSim();
    const [failure] = (await exploreTarget(target, config, options(n))).failures;
    expect(failure).toMatchObject({ shrunkOn: 'target', path: sequential.path, plan: sequential.plan });
    expect(failure).not.toHaveProperty('shrinkTimedOut');
    expect(sequential.plan.length).toBeLessThan(failure!.events);
    // One at a time, or the next candidates in flight together (more runs, fewer rounds).
    if (n === 1) expect(counts.most).toBe(1);
    else expect(counts.most).toBeGreaterThan(2);
  });

  it('says when its time budget ran out, and the path replays the plan shown', async () => {
    const budgetMs = 2_000;
    let failing = 0;
    // The second smaller candidate that fails is still running when the budget runs out, and would
    // fail after it: the shrinking must neither take it nor point the path past what it shows.
    const { target } = delayedSim(async (plan, simSeed, signal) => {
      if (plan.length >= original.length || !fails(plan, simSeed) || ++failing !== 2) return;
      await sleep(budgetMs + 500, signal);
    });
    const [failure] = (await exploreTarget(target, config, options(1, budgetMs))).failures;
    expect(failing).toBe(2);
    expect(caseAtPath(config, { seed: SEED, path: failure!.path })).toEqual([failure!.plan, failure!.simSeed]);
    expect(failure).toMatchObject({ shrunkOn: 'target', shrinkTimedOut: { limitMs: budgetMs } });
    // Shrunk once: the first smaller failing candidate, on the way to the one-at-a-time result.
    expect(failure!.path.split(':')).toHaveLength(2);
    expect(sequential.path.startsWith(failure!.path)).toBe(true);
    expect(failure!.shrunkEvents).toBeLessThan(failure!.events);
    const stopped = `shrinking stopped after 2 s at ${failure!.shrunkEvents} of ${failure!.events} events; rerun with --shrink-time 4 to shrink further`;
    const text = formatFailure(failure!, 'REPLAY');
    expect(text).toContain(stopped);
    expect(text).toMatch(/^Partly shrunk plan \(\d+ events, from \d+; shrinking stopped after 2 s/m);
    expect(failureJson(failure!, 'REPLAY').shrinkStopped).toEqual({ limitMs: budgetMs, message: stopped });
  });

  it('says when an interrupt stopped it, as a budget run out: partly shrunk (trial 13)', async () => {
    const interrupt = new AbortController();
    let failing = 0;
    // An interrupt comes while the second smaller failing candidate runs (SIGINT mid-shrink).
    const { target } = delayedSim(async (plan, simSeed, signal) => {
      if (plan.length >= original.length || !fails(plan, simSeed) || ++failing !== 2) return;
      interrupt.abort();
      await sleep(60_000, signal);
    });
    const [failure] = (await exploreTarget(target, config, { ...options(1), signal: interrupt.signal })).failures;
    expect(failing).toBe(2);
    expect(failure).toMatchObject({ shrunkOn: 'target', shrinkInterrupted: { limitMs: 60_000 } });
    expect(failure).not.toHaveProperty('shrinkTimedOut');
    expect(failure!.shrunkEvents).toBeLessThan(failure!.events);
    const stopped = `shrinking stopped by an interrupt at ${failure!.shrunkEvents} of ${failure!.events} events`;
    const text = formatFailure(failure!, 'REPLAY');
    expect(text).toMatch(/^Partly shrunk plan \(\d+ events, from \d+; shrinking stopped by an interrupt/m);
    expect(failureJson(failure!, 'REPLAY').shrinkStopped).toEqual({ limitMs: 60_000, message: stopped });
  });
});
