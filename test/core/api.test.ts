/** The programmatic API, as a user's own vitest test would use it. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArbitrary, checkProperties, resolveRun, runSim, scenarioByName, simulate } from '../../harness/index.ts';

describe('the package API', () => {
  it('lets a test generate plans for a scenario and check properties on each run', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, { client: 'reconnecting' });
    fc.assert(
      fc.property(caseArbitrary(config, {}), ([plan, seed]) => runSim(config, plan, seed).violations.length === 0),
      { numRuns: 200, seed: 1 },
    );
  });

  it('finds the 1.22 race the same way, and the properties judge any history', () => {
    const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
    const result = fc.check(
      fc.property(caseArbitrary(config, {}), ([plan, seed]) => runSim(config, plan, seed).violations.length === 0),
      { numRuns: 200, seed: 1 },
    );
    expect(result.failed).toBe(true);
    const [[plan, seed]] = result.counterexample!;
    expect(checkProperties(simulate(config, plan, seed), config.properties).length).toBeGreaterThan(0);
  });
});
