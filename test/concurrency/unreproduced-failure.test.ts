/**
 * A race a real target shows once and never again (`reproduced {runs 4, failed 1}`): the failure is
 * reported from the run that found it, which judged every property. Each property's failure must
 * list its own violations only, not those of every property violated in that run.
 */
import { describe, expect, it } from 'vitest';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { explore } from '../../harness/explore.ts';
import { exploreTarget } from '../../harness/explore-target.ts';
import { runSim } from '../../harness/runner.ts';
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import type { Target } from '../../harness/targets/target.ts';
import { configOf } from '../targets/scenario-config.ts';

const SEED = 3;
const config = configOf('juju-1.22-implicit-upgrade');
const explored = explore(config, { seed: SEED, runs: 200, shrink: false });
/** The first violating run (it violates two properties: checked below): the race the target shows once. */
const run = Math.min(
  ...explored.properties.filter((p) => p.firstFailureRun !== undefined).map((p) => p.firstFailureRun!),
);
const [plan, simSeed] = caseAtPath(config, { seed: SEED, path: String(run - 1) });
const violatedThere = new Set(runSim(config, plan, simSeed).violations.map((v) => v.property));

/** The sim as a target that shows the race in the exploration's runs only: every later run (the
 *  tries to see it again, one at a time) plays just the bootstrap, which holds. */
function onceOnlyTarget(): Target {
  const sim = createSimTarget();
  let runs = 0;
  return {
    name: 'sim',
    maxConcurrency: 1,
    run: (c, p, s) => sim.run(c, ++runs <= run ? p : [{ kind: 'bootstrap' }], s),
    close: () => sim.close(),
  };
}

describe('a failure the target does not show again', () => {
  it("lists each property's own violations only", async () => {
    expect(violatedThere.size).toBeGreaterThan(1); // else the test shows nothing
    const options = { seed: SEED, runs: run, shrinkOnSim: false, confirmRuns: 1, shrinkTimeLimitMs: 60_000 };
    const { failures } = await exploreTarget(onceOnlyTarget(), config, options);
    expect(failures.map((f) => f.property).sort()).toEqual([...violatedThere].sort());
    for (const f of failures) {
      expect(f).toMatchObject({ shrunkOn: 'target', reproduced: { runs: 4, failed: 1 } });
      expect(f.violations.length).toBeGreaterThan(0);
      expect(new Set(f.violations.map((v) => v.property))).toEqual(new Set([f.property]));
    }
  });
});
