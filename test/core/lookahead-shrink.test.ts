/**
 * Shrinking with candidates evaluated ahead (harness/lookahead-shrink.ts), as real targets shrink
 * with --concurrency N: for the same verdict per candidate, the shrunk case and its path are those
 * of one-at-a-time shrinking, whatever order the evaluations finish in. The verdicts here are the
 * sim's (exact), each given after a random delay so that later candidates often finish first.
 */
import { describe, expect, it } from 'vitest';
import { startAt } from '../../harness/case-params.ts';
import { explore } from '../../harness/explore.ts';
import { lookaheadShrink } from '../../harness/lookahead-shrink.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { seededRng, type Rng } from '../../harness/rng.ts';
import { runSim } from '../../harness/runner.ts';
import { shrinkOnSim } from '../../harness/sim-shrink.ts';
import { caseSource, type Case } from '../../harness/strategies/index.ts';
import { configOf } from '../targets/scenario-config.ts';

const SEED = 1;
const config: RunConfig = { ...configOf('juju-1.22-implicit-upgrade'), properties: ['deployments-complete'] };
const source = caseSource(config, { seed: SEED, runs: 100 });
const found = explore(config, { seed: SEED, runs: 100, shrink: false }).properties[0]!.firstFailureRun!;

/** The sim's verdict on a case, after 0-3 ms (drawn from `rng`): evaluations finish out of order. */
function simVerdicts(rng: Rng, log: { started: number; aborted: number }) {
  return async (c: Case, _step: number, signal: AbortSignal): Promise<boolean | undefined> => {
    log.started++;
    await new Promise((resolve) => setTimeout(resolve, rng.int(0, 3)));
    if (signal.aborted) {
      log.aborted++;
      return undefined;
    }
    return runSim(config, c[0], c[1]).violations.length > 0;
  };
}

describe('shrinking with the next candidates evaluated ahead', () => {
  const sequential = shrinkOnSim(config, source, SEED, found)!;

  it.each([1, 4, 16])('gives the case and path of one-at-a-time shrinking, %i at once', async (lookahead) => {
    const log = { started: 0, aborted: 0 };
    const result = await lookaheadShrink(source.arbitrary, {
      params: startAt(source, SEED, found),
      lookahead,
      fails: simVerdicts(seededRng(lookahead), log),
    });
    expect(result.stopped).toBe(false);
    expect(result.counterexample?.path).toBe(sequential.path);
    expect(result.counterexample?.value).toEqual([sequential.plan, sequential.simSeed]);
    expect(sequential.plan.length).toBeLessThan(5);
    // Ahead of fast-check, more candidates start than one at a time; those it never asks for stop.
    if (lookahead === 1) expect(log.aborted).toBe(0);
    else expect(log.started).toBeGreaterThan(result.counterexample!.path.split(':').length);
  });

  it('stops when told to, keeping the smallest failure so far, and says so', async () => {
    const stop = new AbortController();
    const verdicts = simVerdicts(seededRng(7), { started: 0, aborted: 0 });
    const result = await lookaheadShrink(source.arbitrary, {
      params: startAt(source, SEED, found),
      lookahead: 4,
      signal: stop.signal,
      fails: async (c, step, signal) => {
        if (step === 6) stop.abort();
        return verdicts(c, step, signal);
      },
    });
    expect(result.stopped).toBe(true);
    const path = result.counterexample!.path;
    // A prefix of the one-at-a-time path: shrinking stopped on the way there.
    expect(sequential.path.startsWith(path)).toBe(true);
    expect(path.split(':').length).toBeLessThan(sequential.path.split(':').length);
  });

  it("rejects with an evaluation's error rather than shrinking towards it", async () => {
    const boom = new Error('the target stopped answering');
    const run = lookaheadShrink(source.arbitrary, {
      params: startAt(source, SEED, found),
      lookahead: 4,
      fails: async (c, step) => {
        if (step === 3) throw boom;
        return runSim(config, c[0], c[1]).violations.length > 0;
      },
    });
    await expect(run).rejects.toBe(boom);
  });
});
