/**
 * A run that throws (a --client-cmd that cannot work at all, a target that stopped answering) is not
 * a verdict: the exploration ends with its error at once, stopping the runs in flight rather than
 * waiting for them in case order, and shrinking on the target never takes the error for a failing
 * candidate. The target here is the sim, wrapped to throw where a real target would.
 */
import { describe, expect, it } from 'vitest';
import { exploreTarget } from '../../harness/explore-target.ts';
import { UsageError } from '../../harness/errors.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import type { RunHooks, Target } from '../../harness/targets/target.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { checkProperties } from '../../properties/index.ts';

const naive = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
const options = { runs: 50, seed: 1, shrinkOnSim: false, confirmRuns: 1, shrinkTimeLimitMs: 60_000 };
const unusable = new UsageError('--client-cmd "x" could not be run: sh: 1: x: not found');

describe('explore-target: a run that throws', () => {
  it('stops the runs in flight and ends the exploration with its error', async () => {
    const sim = createSimTarget();
    let calls = 0;
    const endedBy: string[] = [];
    const target: Target = {
      name: 'process',
      maxConcurrency: Infinity,
      run: async (config, plan, seed, hooks?: RunHooks) => {
        if (++calls === 2) throw unusable;
        // The others last far longer than this test may: only their signal ends them in time.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 30_000);
          hooks?.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        endedBy.push(hooks?.signal?.aborted ? 'signal' : 'own end');
        if (hooks?.signal?.aborted) throw hooks.signal.reason;
        return sim.run(config, plan, seed);
      },
      close: () => sim.close(),
    };
    await expect(exploreTarget(target, naive, { ...options, concurrency: 4 })).rejects.toBe(unusable);
    expect(calls).toBe(4); // no run started after the error
    expect(endedBy).toEqual(['signal', 'signal', 'signal']);
  }, 60_000);

  it('ends shrinking on the target with the error, not with a plan that "failed" by throwing', async () => {
    const sim = createSimTarget();
    let calls = 0;
    let found = 0;
    const target: Target = {
      name: 'process',
      run: async (config, plan, seed) => {
        // Every run after the exploration's 10 (shrinking's candidates) throws.
        if (++calls > 10) throw unusable;
        const history = await sim.run(config, plan, seed);
        if (checkProperties(history, config.properties).length > 0) found++;
        return history;
      },
      close: () => sim.close(),
    };
    await expect(exploreTarget(target, naive, { ...options, runs: 10, concurrency: 1 })).rejects.toBe(unusable);
    expect(found).toBeGreaterThan(0); // there was a failure to shrink
  }, 60_000);
});
