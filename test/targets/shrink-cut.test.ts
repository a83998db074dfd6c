/**
 * Shrinking on a real target cuts each candidate some time after the run found showed its
 * violation (RunHooks.cutAtMs): a client that hangs until its own deadline made every candidate
 * cost that deadline. Here login-hangs.mjs, whose login waits for ever on a link gone half-open,
 * on the process target: cut, its run's closing wait ends at the cut (the quiet record says not
 * reached, far before the program's deadline), and what the cut left unfinished is judged after it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRun } from '../../harness/run-config.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import { runCase } from '../../harness/targets/target.ts';
import { commandStatus } from '../../harness/clients/command-client.ts';
import { candidateCutMs, MAX_DEFAULT_SHRINK_MS, shrinkBudgetMs, SHRINK_ROUNDS } from '../../harness/target-shrink.ts';
import { checkProperties } from '../../properties/index.ts';
import type { TargetRun } from '../../harness/target-run.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { HALF_OPEN_AT_LOGIN } from '../clients/login-hangs-client.ts';
import { configOf } from './scenario-config.ts';

const targets: ProcessTarget[] = [];
afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
});

describe('a shrink candidate cut on a real target', () => {
  it('ends its closing wait at the cut instead of the hanging client deadline', async () => {
    const config = configOf('juju-1.24-gated-api');
    const target = await createProcessTarget({
      timeScale: 0.05,
      clientCommand: 'node examples/clients/login-hangs.mjs',
    });
    targets.push(target);
    const cutAtMs = 60_000; // the program's own deadline is 600 s of model time
    const { history, clientOutputs } = await runCase(target, config, HALF_OPEN_AT_LOGIN, 1, { cutAtMs });
    const quiet = history.find((r) => r.type === 'quiet');
    expect(quiet).toMatchObject({ reached: false });
    expect(quiet!.t).toBeGreaterThanOrEqual(cutAtMs);
    expect(quiet!.t).toBeLessThan(config.scenario.deadlines.deployMs);
    // What the cut left unfinished is judged at or after the cut: shrinking counts none of it.
    const late = checkProperties(history, ['requests-settle', 'deployments-complete']);
    expect(late.length).toBeGreaterThan(0);
    for (const v of late) expect(v.t).toBeGreaterThanOrEqual(cutAtMs);
    // The program, still waiting at the cut, was killed by the harness: its output says so and why,
    // not a bare "killed by SIGKILL" that reads as the program misbehaving.
    const [output] = clientOutputs;
    expect(output?.stoppedBy).toMatch(/^a shrink candidate, cut at 60\.0 s of model time/);
    expect(commandStatus(output!)).toMatch(/^still running when the harness stopped it \(a shrink candidate, cut at/);
  });

  it('is set from when the run found showed the violation, with a margin, on real targets only', () => {
    const only = resolveRun(scenarioByName('juju-1.24-gated-api')!, { properties: ['requests-settle'] });
    const sample = (t: number) => ({
      plan: [],
      simSeed: 1,
      result: {
        history: [],
        violations: [
          { property: 'requests-settle' as const, t, message: '' },
          { property: 'requests-settle' as const, t: t + 500_000, message: '' },
        ],
        unknown: [],
        clientOutputs: [],
      },
    });
    const process = { ...createSimTarget(), name: 'process' as const };
    expect(candidateCutMs(process, only, sample(40_000))).toBe(40_000 + only.scenario.deadlines.resumeMs);
    expect(candidateCutMs(process, only, sample(200_000))).toBe(300_000);
    expect(candidateCutMs(createSimTarget(), only, sample(40_000))).toBeUndefined();
  });

  it('widens the default shrink budget to rounds of candidates as long as the case found, never a given one', () => {
    const history = [
      { type: 'run-start', t: 0, scenario: 'x', target: 'process', seed: 1, params: { timeScale: 0.1 } },
      { type: 'run-end', t: 630_000 },
    ] as unknown as TargetRun['history'];
    const original = { plan: [], simSeed: 1, result: { history, violations: [], unknown: [], clientOutputs: [] } };
    const options = { seed: 1, shrinkTimeLimitMs: 120_000 };
    // A client that waits out its 600 s deadline: 63 s real per candidate at time scale 0.1.
    expect(shrinkBudgetMs({ ...options, shrinkTimeIsDefault: true }, original, undefined)).toBe(SHRINK_ROUNDS * 63_000);
    expect(shrinkBudgetMs({ ...options, shrinkTimeIsDefault: true }, original, 100_000)).toBe(120_000); // cut: 10 s each
    expect(shrinkBudgetMs(options, original, undefined)).toBe(120_000); // --shrink-time given
    // At time scale 1 (python-libjuju-3.6) 8 rounds would be 84 minutes: the default stops at the cap.
    const unscaled = history.map((r) => (r.type === 'run-start' ? { ...r, params: { timeScale: 1 } } : r));
    const slow = { ...original, result: { ...original.result, history: unscaled } } as typeof original;
    expect(shrinkBudgetMs({ ...options, shrinkTimeIsDefault: true }, slow, undefined)).toBe(MAX_DEFAULT_SHRINK_MS);
  });
});
