import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { planArbitrary } from '../../harness/arbitraries.ts';
import { explore } from '../../harness/explore.ts';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { historyHash } from '../../harness/history.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName, SCENARIOS } from '../../scenarios/index.ts';

const naive = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);

describe('plan arbitraries', () => {
  for (const scenario of SCENARIOS) {
    test.prop([planArbitrary(scenario)], { numRuns: 200 })(
      `${scenario.name}: exactly one bootstrap, known clients, unique apps, bounded length`,
      (plan) => {
        expect(plan.filter((e) => e.kind === 'bootstrap')).toHaveLength(1);
        expect(plan.length).toBeLessThanOrEqual(scenario.maxEvents);
        const apps = plan.flatMap((e) => (e.kind === 'deploy' ? [e.app] : []));
        expect(new Set(apps).size).toBe(apps.length);
        for (const e of plan) if ('client' in e) expect(e.client).toBeLessThan(scenario.clients);
      },
    );
  }
});

describe('exploring the core scenarios', () => {
  it('juju-1.22-implicit-upgrade fails within 500 runs with a short plan that replays to the same history', () => {
    const result = explore(naive, { runs: 500, seed: 1 });
    expect(result.verdict).toBe('fail');
    const races = result.failures.filter((f) =>
      ['no-work-before-upgrade', 'watchers-resume', 'deployments-complete'].includes(f.property),
    );
    expect(races.length).toBeGreaterThan(0);
    for (const f of races) {
      expect(f.shrunkEvents).toBeLessThanOrEqual(5);
      const [plan, simSeed] = caseAtPath(naive, { seed: f.seed, path: f.path });
      expect(plan).toEqual(f.plan);
      expect(historyHash(runSim(naive, plan, simSeed).history)).toBe(f.historyHash);
    }
  });

  it('juju-1.24-gated-api holds for 5000 runs at seed 7', () => {
    const result = explore(gated, { runs: 5000, seed: 7 });
    expect(result.failures.map((f) => `${f.property}: ${f.violations[0]?.message}`)).toEqual([]);
    expect(result.runs).toBe(5000);
  });

  it('--check-determinism runs every case twice without complaint', () => {
    const result = explore(gated, { runs: 100, seed: 3, checkDeterminism: true });
    expect(result.verdict).toBe('pass');
  });

  it('overriding the client turns the gated scenario into a failing one (libjuju-like loses its watcher)', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, {
      client: 'libjuju-like',
      properties: ['watchers-resume'],
    });
    expect(explore(config, { runs: 300, seed: 2 }).verdict).toBe('fail');
  });
});
