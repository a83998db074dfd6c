/**
 * Every strategy generates valid plans (exactly one bootstrap, known clients, unique application
 * names, bounded length) and every case it explores is found again from the seed and path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { historyHash } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { caseSource, STRATEGY_NAMES } from '../../harness/strategies/index.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const twoClients = resolveRun(scenarioByName('juju-1.24-gated-api')!);
const naive = resolveRun(scenarioByName('juju-1.22-pinned-agent-version')!);

function expectValid(plan: Plan, clients: number, maxEvents: number): void {
  expect(plan.filter((e) => e.kind === 'bootstrap')).toHaveLength(1);
  expect(plan.length).toBeLessThanOrEqual(maxEvents);
  const apps = plan.flatMap((e) => (e.kind === 'deploy' ? [e.app] : []));
  expect(new Set(apps).size).toBe(apps.length);
  for (const e of plan) if ('client' in e) expect(e.client).toBeLessThan(clients);
}

describe.each(STRATEGY_NAMES)('the %s strategy', (strategy) => {
  const maxEvents = twoClients.scenario.maxEvents;

  it('generates valid plans', () => {
    const source = caseSource(twoClients, { strategy, seed: 3, runs: 300 });
    const cases = source.examples ?? fc.sample(source.arbitrary, { numRuns: 300, seed: 3 });
    expect(cases.length).toBeGreaterThan(0);
    for (const [plan, simSeed] of cases) {
      expectValid(plan, twoClients.scenario.clients, maxEvents);
      expect(Number.isInteger(simSeed)).toBe(true);
    }
  });

  it('replays each failure by seed and path, shrunk plan and history hash included', () => {
    const result = explore(naive, { runs: 300, seed: 11, strategy });
    expect(result.failures.length).toBeGreaterThan(0);
    for (const f of result.failures) {
      const [plan, simSeed] = caseAtPath(naive, { seed: f.seed, path: f.path, strategy });
      expect(plan).toEqual(f.plan);
      expect(simSeed).toBe(f.simSeed);
      expect(historyHash(runSim({ ...naive, properties: [f.property] }, plan, simSeed).history)).toBe(f.historyHash);
    }
  });

  it('is deterministic: the same seed explores the same cases', () => {
    const a = explore(naive, { runs: 50, seed: 5, strategy });
    const b = explore(naive, { runs: 50, seed: 5, strategy });
    expect(b.properties).toEqual(
      a.properties.map((p) => ({
        ...p,
        ...(p.firstFailureMs !== undefined ? { firstFailureMs: expect.any(Number) } : {}),
      })),
    );
    expect(b.failures.map((f) => [f.path, f.historyHash])).toEqual(a.failures.map((f) => [f.path, f.historyHash]));
  });
});

describe('random, the default', () => {
  it('draws the same cases with and without naming it', () => {
    const named = fc.sample(caseSource(naive, { strategy: 'random', seed: 9, runs: 0 }).arbitrary, {
      numRuns: 20,
      seed: 9,
    });
    const unnamed = fc.sample(caseSource(naive, { seed: 9, runs: 0 }).arbitrary, { numRuns: 20, seed: 9 });
    expect(named).toEqual(unnamed);
  });
});
