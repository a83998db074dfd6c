import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { caseSource } from '../../harness/strategies/index.ts';
import { formatSummary } from '../../reports/console.ts';
import type { Plan, PlanEvent } from '../../harness/plan.ts';
import type { Scenario } from '../../harness/scenario.ts';
import { enumeratePlans } from '../../harness/strategies/exhaustive.ts';
import { exhaustiveAlphabet } from '../../harness/strategies/exhaustive-domain.ts';
import { commute, isCanonical } from '../../harness/strategies/plan-equivalence.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const small: Scenario = {
  ...scenarioByName('juju-1.24-gated-api')!,
  versions: ['1.24.2'],
  weights: { deploy: 1, publish: 1, restart: 1, wait: 1 },
};

const key = (plan: Plan): string => JSON.stringify(plan);
/** A plan as letters of the domain: application names (made unique per plan) left out. */
const letters = (plan: readonly PlanEvent[]): string =>
  JSON.stringify(plan.map((e) => (e.kind === 'deploy' ? { ...e, app: '' } : e)));
const sameLetter = (a: PlanEvent, b: PlanEvent): boolean => letters([a]) === letters([b]);

describe('the exhaustive enumeration', () => {
  const plans = [...enumeratePlans(small, 3)];

  it('goes shortest first and never repeats a plan', () => {
    const lengths = plans.map((p) => p.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(new Set(plans.map(key)).size).toBe(plans.length);
    expect(plans[0]).toEqual([{ kind: 'bootstrap' }]);
  });

  it('keeps one order of commuting neighbours and every order of dependent ones', () => {
    const hasBoth = (a: PlanEvent['kind'], b: PlanEvent['kind']) =>
      plans.some((p) => p[1]?.kind === a && p[2]?.kind === b && p[0]!.kind === 'bootstrap');
    // publish commutes with deploy: only one of the two orders survives
    expect(hasBoth('deploy', 'publish') !== hasBoth('publish', 'deploy')).toBe(true);
    // restart and deploy do not commute: both orders are run
    expect(hasBoth('deploy', 'restart') && hasBoth('restart', 'deploy')).toBe(true);
    // two waits: only the non-decreasing order
    expect(
      plans.some(
        (p) =>
          key(p) ===
          key([{ kind: 'bootstrap' }, { kind: 'wait', durationMs: 10_000 }, { kind: 'wait', durationMs: 2_000 }]),
      ),
    ).toBe(false);
    expect(
      plans.some(
        (p) =>
          key(p) ===
          key([{ kind: 'bootstrap' }, { kind: 'wait', durationMs: 2_000 }, { kind: 'wait', durationMs: 10_000 }]),
      ),
    ).toBe(true);
  });

  it('skips restarts before bootstrap (they act on nothing) but keeps publishes and deploys there', () => {
    expect(plans.some((p) => p[0]!.kind === 'restart')).toBe(false);
    expect(plans.some((p) => p[0]!.kind === 'publish')).toBe(true);
    expect(plans.some((p) => p[0]!.kind === 'deploy')).toBe(true);
  });

  it('prunes soundly: every plan of the domain has an equivalent that is run', () => {
    // Every plan with one bootstrap and no no-op before it, sorted into canonical order by swapping
    // commuting neighbours, must be among the plans enumerated.
    const alphabet = exhaustiveAlphabet(small);
    const rank = (e: PlanEvent): number =>
      e.kind === 'bootstrap' ? 0 : 1 + alphabet.findIndex((l) => sameLetter(l, e));
    const kept = new Set(plans.map(letters));
    const bodies: PlanEvent[][] = [[]];
    for (let n = 1; n <= 2; n++)
      for (const body of bodies.filter((b) => b.length === n - 1)) for (const l of alphabet) bodies.push([...body, l]);
    for (const body of bodies) {
      for (let at = 0; at <= body.length; at++) {
        const plan: PlanEvent[] = [...body.slice(0, at), { kind: 'bootstrap' }, ...body.slice(at)];
        if (plan.slice(0, at).some((e) => e.kind === 'restart')) continue; // acts on nothing: a shorter plan
        for (let sorted = false; !sorted;) {
          sorted = true;
          for (let i = 1; i < plan.length; i++) {
            if (rank(plan[i]!) < rank(plan[i - 1]!) && commute(plan[i - 1]!, plan[i]!)) {
              [plan[i - 1], plan[i]] = [plan[i]!, plan[i - 1]!];
              sorted = false;
            }
          }
        }
        expect(isCanonical(plan, rank)).toBe(true);
        expect(kept.has(letters(plan)), letters(plan)).toBe(true);
      }
    }
  });

  it("two clients' events commute; one client's do not", () => {
    const d = (client: number, app: string): PlanEvent => ({ kind: 'deploy', client, app, units: 1 });
    expect(commute(d(0, 'a'), d(1, 'b'))).toBe(true);
    expect(commute(d(0, 'a'), d(0, 'b'))).toBe(false);
    expect(commute(d(0, 'a'), { kind: 'partition', client: 1, durationMs: 5_000 })).toBe(true);
    expect(commute({ kind: 'publish', version: '1.24.2' }, { kind: 'upgrade' })).toBe(false);
    expect(commute({ kind: 'publish', version: '1.24.2' }, { kind: 'bootstrap' })).toBe(false);
  });
});

describe('the exhaustive domain with removals, re-created watchers and chained upgrades', () => {
  const mix: Scenario = {
    ...scenarioByName('juju-1.24-gated-api')!,
    versions: ['1.24.3'],
    weights: { deploy: 1, remove: 1, rewatch: 1, 'chained-upgrade': 1, publish: 1 },
  };
  const plans = [...enumeratePlans(mix, 3)];

  it('spells plans with every new kind, each also before bootstrap (each acts once there is a controller)', () => {
    for (const kind of ['remove', 'rewatch', 'chained-upgrade'] as const)
      expect(plans.some((p) => p.some((e) => e.kind === kind))).toBe(true);
    expect(plans.some((p) => p[0]!.kind === 'rewatch')).toBe(true); // it waits for a live watcher
    expect(plans.some((p) => p[0]!.kind === 'remove')).toBe(true); // queued work matters
    expect(plans.some((p) => p[0]!.kind === 'chained-upgrade')).toBe(true); // it waits for the controller
  });

  it('never swaps a removal with a deploy, nor a publish with a chained upgrade', () => {
    const r = (client: number): PlanEvent => ({ kind: 'remove', client, app: 'mysql' });
    expect(commute(r(0), { kind: 'deploy', client: 1, app: 'mysql', units: 1 })).toBe(false);
    expect(commute(r(0), { kind: 'rewatch', client: 1 })).toBe(true);
    expect(commute(r(0), r(0))).toBe(false);
    expect(commute({ kind: 'publish', version: '1.24.3' }, { kind: 'chained-upgrade', version: '1.24.3' })).toBe(false);
  });
});

describe('the exhaustive strategy at scale', () => {
  const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);

  it('hands fast-check 200,000 cases without overflowing the stack', () => {
    const source = caseSource(config, { strategy: 'exhaustive', runs: 200_000, maxEvents: 6, seed: 1 });
    expect(source.examples).toHaveLength(200_000);
    expect(() => fc.sample(source.arbitrary, { numRuns: 1, seed: 1 })).not.toThrow();
  });

  it('stops enumerating at --time-limit and says it stopped short', () => {
    const source = caseSource(config, {
      strategy: 'exhaustive',
      runs: 50_000_000,
      maxEvents: 9,
      seed: 1,
      timeLimitMs: 200,
    });
    expect(source.examples!.length).toBeLessThan(50_000_000);
    expect(source.note).toMatch(
      /^exhaustive: stopped short of the whole space: enumerating reached --time-limit after \d+ plans/,
    );
  });

  it('says when --runs cuts the space short, and nothing when it covers all of it', () => {
    const short = explore(config, { strategy: 'exhaustive', runs: 30, maxEvents: 3, seed: 1 });
    expect(short.runs).toBe(30);
    expect(short.notes).toEqual([
      expect.stringMatching(/^exhaustive: stopped short of the whole space: ran the first 30 plans \(--runs 30\)/),
    ]);
    expect(formatSummary(short)).toMatch(/stopped short/);
    const all = explore(config, { strategy: 'exhaustive', runs: 100_000, maxEvents: 2, seed: 1 });
    expect(all.notes ?? []).toEqual([]);
  });
});
