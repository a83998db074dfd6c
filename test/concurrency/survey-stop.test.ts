/**
 * An exploration on a real target stops its runs in flight once nothing they could show would be
 * noted: the survey stopped at a failure (--stop-on-failure), or --time-limit passed. A run that
 * waits out a program's deadline held the exploration a minute longer, and a nightly job's time
 * limit was no bound. Played on the sim behind the async target interface, whose runs past the
 * first few hold until they are stopped (or, when nothing stops them, for HOLD_MS).
 */
import { describe, expect, it } from 'vitest';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { explore } from '../../harness/explore.ts';
import { exploreTarget, type TargetExploreOptions } from '../../harness/explore-target.ts';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import type { Target } from '../../harness/targets/target.ts';
import { configOf } from '../targets/scenario-config.ts';

const SEED = 1;
/** How long a held run lasts when nothing stops it: far longer than the exploration needs. */
const HOLD_MS = 20_000;

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
const held = (ms: number, signal?: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve(false)), { once: true });
  });

/** The sim as a target: the first `answered` cases (in case order) answer at once, the next ones
 *  are held (any other plan, a shrunk one, answers at once); it counts those held and those stopped
 *  (a stopped run rejects, as a real one does). */
function holdingSim(config: RunConfig, answered: number) {
  const key = (plan: Plan, simSeed: number) => `${simSeed} ${JSON.stringify(plan)}`;
  const later = new Set(
    Array.from({ length: 20 }, (_, i) => key(...caseAtPath(config, { seed: SEED, path: String(answered + i) }))),
  );
  const sim = createSimTarget();
  const counts = { held: 0, stopped: 0 };
  const target: Target = {
    name: 'sim',
    maxConcurrency: Infinity,
    run: async (c, plan, simSeed, hooks) => {
      const history = await sim.run(c, plan, simSeed);
      if (!later.has(key(plan, simSeed))) return history;
      counts.held++;
      if (await held(HOLD_MS, hooks?.signal)) return history;
      counts.stopped++;
      throw new Error('stopped');
    },
    close: () => sim.close(),
  };
  return { target, counts };
}

const options = (runs: number): TargetExploreOptions => ({
  seed: SEED,
  runs,
  shrinkOnSim: true,
  confirmRuns: 1,
  shrinkTimeLimitMs: 60_000,
  // One at a time, so that the cases start in case order (with more, the longest start first).
  concurrency: 1,
});

describe('runs in flight of an exploration on a real target', () => {
  it('are stopped once --stop-on-failure has its failure', async () => {
    const config: RunConfig = { ...configOf('juju-1.22-implicit-upgrade'), properties: ['watchers-resume'] };
    const found = explore(config, { seed: SEED, runs: 300, shrink: false }).properties[0]!.firstFailureRun!;
    const { target, counts } = holdingSim(config, found);
    const result = await exploreTarget(target, config, { ...options(300), stopOnFailure: 'properties' });
    expect(result.runs).toBe(found);
    expect(result.failures.map((f) => f.property)).toEqual(['watchers-resume']);
    // The run after the failing case had started as it ended; it was stopped, not waited for.
    expect(counts.held).toBe(1);
    expect(counts.stopped).toBe(counts.held);
  });

  it("with 'expectations' (qualify, a corpus run), stop only at a violation the scenario expects to hold", async () => {
    const config: RunConfig = { ...configOf('juju-1.22-implicit-upgrade'), properties: ['watchers-resume'] };
    expect(config.scenario.expect['watchers-resume']).toBe('violated');
    const found = explore(config, { seed: SEED, runs: 300, shrink: false }).properties[0]!.firstFailureRun!;
    const expected = explore(config, { seed: SEED, runs: 300, shrink: false, stopOnFailure: 'expectations' });
    expect(expected.runs).toBe(300);
    const heldExpected = {
      ...config,
      scenario: { ...config.scenario, expect: { ...config.scenario.expect, 'watchers-resume': 'held' as const } },
    };
    const unexpected = explore(heldExpected, { seed: SEED, runs: 300, shrink: false, stopOnFailure: 'expectations' });
    expect(unexpected.runs).toBe(found);
  });

  it("with 'client-command' (run --client-cmd), not at a violation the scenario expects of its controller", () => {
    // no-surprise-upgrade judges the controller alone, and juju-1.22-old-release-line expects its
    // controller to violate it: not the program's doing, so no reason to stop.
    const ofController: RunConfig = { ...configOf('juju-1.22-old-release-line'), properties: ['no-surprise-upgrade'] };
    expect(ofController.scenario.expect['no-surprise-upgrade']).toBe('violated');
    const first = explore(ofController, { seed: SEED, runs: 300, shrink: false }).properties[0]!.firstFailureRun!;
    expect(explore(ofController, { seed: SEED, runs: 300, shrink: false, stopOnFailure: 'properties' }).runs).toBe(
      first,
    );
    expect(explore(ofController, { seed: SEED, runs: 300, shrink: false, stopOnFailure: 'client-command' }).runs).toBe(
      300,
    );
    // watchers-resume judges the client: its violation is the program's, expected of the scenario's own client or not.
    const ofClient: RunConfig = { ...configOf('juju-1.22-implicit-upgrade'), properties: ['watchers-resume'] };
    const found = explore(ofClient, { seed: SEED, runs: 300, shrink: false }).properties[0]!.firstFailureRun!;
    expect(explore(ofClient, { seed: SEED, runs: 300, shrink: false, stopOnFailure: 'client-command' }).runs).toBe(
      found,
    );
  });

  it('are stopped when --time-limit passes, and only the runs that ended count', async () => {
    const config = configOf('juju-1.24-gated-api'); // every property holds
    const answered = 5;
    const { target, counts } = holdingSim(config, answered);
    const result = await exploreTarget(target, config, { ...options(300), timeLimitMs: 1_000 });
    expect(counts.held).toBe(1);
    expect(counts.stopped).toBe(counts.held);
    expect(result.runs).toBe(answered);
    expect(result.stoppedEarly).toEqual({ reason: 'time-limit', timeLimitMs: 1_000, plannedRuns: 300 });
  });
});
