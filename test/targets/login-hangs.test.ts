/**
 * A --client-cmd script whose login can hang (examples/clients/login-hangs.mjs: no login timeout,
 * pings only once logged in), on the process target: its link goes half-open while it logs in (a
 * half-open tied to `login`, so timing decides nothing). It waits on that login until its deadline
 * and deployments-complete catches it; robust.mjs, whose login times out like its other calls,
 * dials again and holds on the same plan. The sim twin: test/faults/half-open-login.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import { judgeProperties, checkProperties } from '../../properties/index.ts';
import { HALF_OPEN_AT_LOGIN } from '../clients/login-hangs-client.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';

const BUGGY = 'node examples/clients/login-hangs.mjs';
const config = () => configOf('juju-1.24-gated-api', { deployMs: 80_000 });
const runs = playScriptPair({ buggy: BUGGY, plan: HALF_OPEN_AT_LOGIN, config: config(), timeScale: 0.05 });

/** The tied half-open fired while the model had client-0's login unanswered, and cut that connection. */
function expectFiredAtLogin(h: History): number {
  const fired = h.findIndex((r) => r.type === 'event' && r.index === 1);
  expect(h[fired]).toMatchObject({ applied: true });
  const before = h.slice(0, fired).filter((r) => 'client' in r && r.client === 'client-0');
  expect(before.filter((r) => r.type === 'login')).toEqual([]); // not logged in yet
  expect(before.filter((r) => r.type === 'conn-close').at(-1)).toMatchObject({ reason: 'fault' });
  return h[fired]!.t;
}

describe('a script whose login can hang (process target)', () => {
  it('waits on a login gone half-open until its deadline: deployments-complete is not held', () => {
    const { history: h, clientOutputs } = runs.buggy();
    const cut = expectFiredAtLogin(h);
    expect(h.filter((r) => r.type === 'conn-open' && r.t > cut)).toEqual([]); // it never dialled again
    expect(clientOutputs[0]?.exitCode, JSON.stringify(clientOutputs)).not.toBe(0);
    // Violated (or unknown, when a loaded machine stalled the run past its budget: properties/stall.ts).
    const [verdict] = judgeProperties(h, ['deployments-complete']);
    expect(verdict?.verdict).not.toBe('held');
  });

  it('robust.mjs times its login out, dials again and holds', () => {
    const { history: h, clientOutputs } = runs.robust();
    const cut = expectFiredAtLogin(h);
    expect(h.filter((r) => r.type === 'login' && r.client === 'client-0' && r.t > cut).length).toBeGreaterThan(0);
    const violations = checkProperties(h, config().properties);
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
