/**
 * lp:1455260's quietest failure, on the process target: a --client-cmd script that survives the
 * upgrade race but exits 0 as soon as its Deploy is accepted, before its units are active, and
 * writes no view (examples/clients/exits-when-accepted.mjs). At quiescence the model is complete,
 * so only WHEN the units became active gives it away: deployments-complete compares the program's
 * exit with the controller's status history. robust.mjs, which waits for its watcher to show every
 * unit active, holds on the same plan.
 *
 * Timing decides nothing here: the hooks are slowed (each 20-30 s of model time, so a unit is
 * active at least 2.4 s of real time after its deploy is accepted at 0.04), while the script exits
 * a few hundred milliseconds after the acceptance. No fault is involved: the implicit upgrade
 * after bootstrap refuses the deploys until it is done, which both scripts retry.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair, withSlowHooks } from './script-pair.ts';

const BUGGY = 'node examples/clients/exits-when-accepted.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 2 },
  { kind: 'deploy', client: 0, app: 'wordpress', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => withSlowHooks(configOf('juju-1.24-gated-api', { deployMs: 400_000 }));
/** Each script's run of the plan: both at once, on servers of their own. */
const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.04 });
describe('a script that exits 0 once its Deploy is accepted (process target)', () => {
  it('is caught by deployments-complete: it reported done before the controller had its units active', () => {
    const c = config();
    const { history: h, clientOutputs } = runs.buggy();
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 0 });
    // Its deploys reported ok, and the final model is complete: only the time of the report is wrong.
    expect(h.filter((r) => r.type === 'ok')).toHaveLength(2);
    const final = h.find((r) => r.type === 'final-model');
    expect(final?.type === 'final-model' && final.model.applications).toEqual({
      mysql: { units: { 'mysql/0': 'active', 'mysql/1': 'active' } },
      wordpress: { units: { 'wordpress/0': 'active' } },
    });
    const violations = checkProperties(h, c.properties);
    expect(violations.map((v) => v.property)).toEqual(['deployments-complete', 'deployments-complete']);
    for (const v of violations)
      expect(v.message).toMatch(
        /client reported done at t=.*, before the controller had .* active .*they were all active only at t=/,
      );
  });

  it('robust.mjs holds every property on the same plan', () => {
    const c = config();
    const { history: h, clientOutputs } = runs.robust();
    const violations = checkProperties(h, c.properties);
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
    expect(h.filter((r) => r.type === 'ok')).toHaveLength(2);
  });
});
