/**
 * A client that answers "already exists" (after a Deploy whose answer it lost) by deploying a
 * second copy as NAME-2 still gets every asked application up; the copy left in the final model is
 * what apps-as-asked catches. The reconnecting profile, which counts
 * "already exists" as done, holds every property on the same plan.
 */
import { describe, expect, it } from 'vitest';
import type { History, RecordOf } from '../../harness/history.ts';
import { runSim } from '../../harness/runner.ts';
import { configOf } from '../targets/scenario-config.ts';
import { DROP_AT_DEPLOY_APPLIED, withRenameOnConflictClient } from './rename-on-conflict-client.ts';

/** The applications of a run's final model. */
const finalApps = (h: History): string[] =>
  Object.keys(h.find((r): r is RecordOf<'final-model'> => r.type === 'final-model')?.model.applications ?? {});

describe('a client that redeploys as NAME-2 on "already exists" (sim)', () => {
  it('is caught by apps-as-asked; the reconnecting profile holds on the same plan', () => {
    const config = configOf('juju-1.25-no-implicit-upgrade');
    const buggy = runSim(withRenameOnConflictClient(config), DROP_AT_DEPLOY_APPLIED, 1);
    expect(finalApps(buggy.history).sort()).toEqual(['mysql', 'mysql-2']);
    // It also waits for mysql-2's units instead of mysql's, and may report mysql done early.
    const caught = buggy.violations.filter((v) => v.property === 'apps-as-asked');
    expect(caught.map((v) => v.client)).toEqual(['client-0']);
    expect(caught[0]?.message).toMatch(
      /^mysql-2 is in the final model, created by client-0's Deploy at t=.* but client-0 was never asked to deploy mysql-2: a second copy of mysql, which it was asked to deploy; it was asked for mysql$/,
    );

    const robust = runSim(config, DROP_AT_DEPLOY_APPLIED, 1);
    expect(finalApps(robust.history)).toEqual(['mysql']);
    expect(robust.violations).toEqual([]);
    expect(robust.unknown).toEqual([]);
  });
});
