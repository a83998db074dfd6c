/**
 * judgeProperties hands each property only the record types it reads (Property.reads,
 * properties/read-views.ts). A property that reads a type it did not declare would judge a view
 * differently from the whole history: here every property judges the runs of the sim history
 * fixture (every sim scenario, sampled plans and the minimal counterexamples), each also cut short
 * and with records dropped (violations and unknowns of every property), both ways, and must say
 * the same.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { ALL_PROPERTIES, judge, judgeProperties, PROPERTY_NAMES } from '../../properties/index.ts';
import { readViews } from '../../properties/read-views.ts';
import { scenarioByName, SIM_SCENARIOS } from '../../scenarios/index.ts';
import { RESTART_AT_NEXT, withNoBackoffClient } from '../clients/no-backoff-client.ts';
import { DROP_AT_DEPLOY_APPLIED, withRenameOnConflictClient } from '../clients/rename-on-conflict-client.ts';
import { UPGRADE_AT_LOGIN, withNewRevisionOnRetry } from '../clients/retry-new-revision-client.ts';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/sim-history-hashes.json');
const runs = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { scenario: string; plan: Plan; seed: number }[];

const verdicts = new Set<string>();
/** A seeded generator in [0, 1) (a linear congruential one): the same cuts and losses every time. */
let state = 20261126;
const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

describe('properties judge their read views as they judge the whole history', () => {
  it.each(SIM_SCENARIOS.map((s) => [s.name] as const))('%s', (name) => {
    const config = resolveRun(scenarioByName(name)!);
    for (const run of runs.filter((r) => r.scenario === name)) {
      const history = simulate(config, run.plan, run.seed);
      // The run as it was, cut short (no end: unknowns, calls left hanging) and with records lost
      // (a controller that forgets to write some: violations of every kind).
      const cut = history.slice(0, 1 + Math.floor((history.length - 1) * next()));
      const lossy = history.filter((_, i) => i === 0 || next() > 0.03);
      for (const h of [history, cut, lossy]) {
        const whole = ALL_PROPERTIES.map((p) => judge(p, h));
        expect(judgeProperties(h, PROPERTY_NAMES)).toEqual(whole);
        for (const r of whole) verdicts.add(`${r.property} ${r.verdict}`);
      }
    }
  });

  it('a client that storms (no backoff): the only histories where reconnect-backoff is violated', () => {
    const config = withNoBackoffClient(resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!));
    const history = simulate(config, RESTART_AT_NEXT, 1);
    const cut = history.slice(0, 1 + Math.floor((history.length - 1) * next()));
    const lossy = history.filter((_, i) => i === 0 || next() > 0.03);
    for (const h of [history, cut, lossy]) {
      const whole = ALL_PROPERTIES.map((p) => judge(p, h));
      expect(judgeProperties(h, PROPERTY_NAMES)).toEqual(whole);
      for (const r of whole) verdicts.add(`${r.property} ${r.verdict}`);
    }
  });

  it('a client that deploys a second copy as NAME-2: the only histories where apps-as-asked is violated', () => {
    const config = withRenameOnConflictClient(resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!));
    const history = simulate(config, DROP_AT_DEPLOY_APPLIED, 1);
    const cut = history.slice(0, 1 + Math.floor((history.length - 1) * next()));
    const lossy = history.filter((_, i) => i === 0 || next() > 0.03);
    for (const h of [history, cut, lossy]) {
      const whole = ALL_PROPERTIES.map((p) => judge(p, h));
      expect(judgeProperties(h, PROPERTY_NAMES)).toEqual(whole);
      for (const r of whole) verdicts.add(`${r.property} ${r.verdict}`);
    }
  });

  it('a client whose retries name a newer charm: the only histories where charm-as-asked is violated', () => {
    const config = withNewRevisionOnRetry(resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!));
    const history = simulate(config, UPGRADE_AT_LOGIN, 1);
    const cut = history.slice(0, 1 + Math.floor((history.length - 1) * next()));
    const lossy = history.filter((_, i) => i === 0 || next() > 0.03);
    for (const h of [history, cut, lossy]) {
      const whole = ALL_PROPERTIES.map((p) => judge(p, h));
      expect(judgeProperties(h, PROPERTY_NAMES)).toEqual(whole);
      for (const r of whole) verdicts.add(`${r.property} ${r.verdict}`);
    }
  });

  it('every property is violated and several are unknown among the histories judged', () => {
    for (const name of PROPERTY_NAMES) expect(verdicts).toContain(`${name} violated`);
    expect([...verdicts].filter((v) => v.endsWith(' unknown')).length).toBeGreaterThan(3);
  });

  it('a view keeps the frame: the first and last records, and only the declared types besides', () => {
    const config = resolveRun(SIM_SCENARIOS[0]!);
    const history = simulate(config, runs[0]!.plan, runs[0]!.seed);
    const reader = ALL_PROPERTIES.find((p) => p.name === 'requests-settle')!;
    const [view] = readViews(history, [reader]);
    expect(view![0]).toBe(history[0]);
    expect(view!.at(-1)).toBe(history.at(-1));
    expect(new Set(view!.map((r) => r.type))).toEqual(
      new Set(
        [
          'run-start',
          'call',
          'return',
          'client-conn',
          'invoke',
          'ok',
          'fail',
          'info',
          'quiescence',
          'quiet',
          'final-model',
          'run-end',
        ].filter((t) => history.some((r) => r.type === t)),
      ),
    );
    expect(view!.length).toBeLessThan(history.length);
  });
});
