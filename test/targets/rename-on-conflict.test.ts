/**
 * A script that answers "already exists" by deploying its application again under a free name
 * (examples/clients/rename-on-conflict.mjs), on the process target: client-0's connection drops
 * once the controller has applied its Deploy and before the answer is written (a disconnect tied to
 * `deploy-applied`), so its Deploy sent again after the reconnect meets its own application. Every
 * asked application comes up, so only apps-as-asked catches the copy it leaves; robust.mjs, which
 * counts "already exists" as done, holds on the same plan. The sim twin: test/clients/apps-as-asked-sim.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import { judgeRun } from '../../harness/runner.ts';
import { DROP_AT_DEPLOY_APPLIED } from '../clients/rename-on-conflict-client.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';

const BUGGY = 'node examples/clients/rename-on-conflict.mjs';
const config = () => configOf('juju-1.25-no-implicit-upgrade', { deployMs: 80_000 });
const runs = playScriptPair({ buggy: BUGGY, plan: DROP_AT_DEPLOY_APPLIED, config: config(), timeScale: 0.05 });

/** The tied disconnect fired (at the applied Deploy). */
const expectFired = (h: History) =>
  expect(h.find((r) => r.type === 'event' && r.index === 1)).toMatchObject({ applied: true });

describe('a script that renames its application on "already exists" (process target, fixed plan)', () => {
  it('rename-on-conflict.mjs leaves mysql-2 in the model: apps-as-asked is not held', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectFired(h);
    const violations = judgeRun(h, config().properties).violations;
    const caught = violations.filter((v) => v.property === 'apps-as-asked');
    expect(
      caught.map((v) => v.message),
      JSON.stringify({ violations, clientOutputs }),
    ).toEqual([
      expect.stringMatching(/^mysql-2 is in the final model, created by client-0's Deploy .* a second copy of mysql/),
    ]);
  });

  it('robust.mjs counts "already exists" as done and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    expectFired(h);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
