/**
 * A script that resolves its charm again for every Deploy attempt, on one fixed plan: an operator's
 * upgrade is requested the moment the script logs in (a tied upgrade), so its first Deploy is refused
 * with "upgrade in progress" and the deploy that lands is a retry. The buggy script
 * (examples/clients/retry-new-revision.mjs on the process target; the reconnecting profile with
 * newRevisionOnRetry on the sim) deploys a newer revision than its first attempt asked for, and
 * charm-as-asked says so; robust.mjs (and the reconnecting profile) retry with the same charm and
 * hold. The tie decides the moment: timing decides nothing.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import { judgeRun } from '../../harness/runner.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';
import { UPGRADE_AT_LOGIN as PLAN, withNewRevisionOnRetry } from '../clients/retry-new-revision-client.ts';

const BUGGY = 'node examples/clients/retry-new-revision.mjs';

const config = () => configOf('juju-1.25-no-implicit-upgrade');

/** The Deploys the controller saw, in order: [accepted, charm of mysql]. */
function deploys(h: History): [boolean, string | undefined][] {
  return h.flatMap((r) =>
    r.type === 'request' && r.method === 'Deploy'
      ? [[r.accepted, r.charms?.['mysql']] as [boolean, string | undefined]]
      : [],
  );
}

/** The tied upgrade fired at the login, the first Deploy was refused for it, a later one accepted. */
function expectRefusedThenAccepted(h: History): void {
  expect(h.find((r) => r.type === 'event' && r.index === 1)).toMatchObject({ applied: true });
  const seen = deploys(h);
  expect(seen[0]).toEqual([false, 'cs:trusty/mysql']);
  expect(seen.filter(([accepted]) => accepted)).toHaveLength(1);
}

describe('a script whose Deploy retries name a newer charm revision (sim, fixed plan)', () => {
  it('is caught by charm-as-asked alone; the reconnecting profile holds on the same plan', () => {
    const c = config();
    const buggy = simulate(withNewRevisionOnRetry(c), PLAN, 1);
    expectRefusedThenAccepted(buggy);
    const violations = judgeRun(buggy, c.properties).violations;
    expect(violations.map((v) => v.property)).toEqual(['charm-as-asked']);
    expect(violations[0]?.message).toMatch(
      /^mysql runs cs:trusty\/mysql-\d, .* asked for cs:trusty\/mysql \(refused: upgrade in progress/,
    );

    const robust = simulate(c, PLAN, 1);
    expectRefusedThenAccepted(robust);
    expect(deploys(robust).every(([, charm]) => charm === 'cs:trusty/mysql')).toBe(true);
    expect(judgeRun(robust, c.properties).violations).toEqual([]);
  });
});

describe('a script whose Deploy retries name a newer charm revision (process target, fixed plan)', () => {
  const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

  it('retry-new-revision.mjs deploys another revision than it first asked for, and charm-as-asked catches it', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectRefusedThenAccepted(h);
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 0 });
    const final = h.find((r) => r.type === 'final-model');
    expect(final?.type === 'final-model' && final.charms?.['mysql']).toMatch(/^cs:trusty\/mysql-\d+$/);
    expect(judgeRun(h, config().properties).violations.map((v) => v.property)).toContain('charm-as-asked');
  });

  it('robust.mjs retries with the same charm and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
    const final = h.find((r) => r.type === 'final-model');
    expect(final?.type === 'final-model' && final.charms).toEqual({ mysql: 'cs:trusty/mysql' });
  });
});
