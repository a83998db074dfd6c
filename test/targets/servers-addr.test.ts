/**
 * A script that redials where its first Login's `servers` said the API is, instead of the address it
 * was given (examples/clients/servers-addr.mjs), on one fixed plan on the process target: client-0's
 * connection is reset at its first AllWatcher.Next. Login lists the controller's cloud-local address
 * first (wire/cloud-local-address.ts: unreachable from outside the cloud, as Juju's list of every API
 * address it knows holds), so the script's redials never get a handshake: it never watches again and
 * its units are never seen active. robust.mjs redials its given address and holds on the same plan.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { judgeRun } from '../../harness/runner.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';

const BUGGY = 'node examples/clients/servers-addr.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'disconnect', client: 0, on: 'watch-next' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => configOf('juju-1.25-no-implicit-upgrade', { deployMs: 80_000 });
const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

/** The tied disconnect fired, and how many connections client-0 opened. */
function connectionsAfterFault(h: History): number {
  expect(h.find((r) => r.type === 'event' && r.index === 1)).toMatchObject({ applied: true });
  return h.filter((r) => r.type === 'conn-open' && r.client === 'client-0').length;
}

describe('a script that redials the first address of Login servers (process target, fixed plan)', () => {
  it('servers-addr.mjs never reaches the controller again and is caught', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expect(connectionsAfterFault(h)).toBe(1);
    expect(clientOutputs[0]!.exitCode).not.toBe(0);
    const violated = judgeRun(h, config().properties).violations.map((v) => v.property);
    expect(violated).toEqual(expect.arrayContaining(['deployments-complete', 'watchers-resume']));
  });

  it('robust.mjs redials the address it was given and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    expect(connectionsAfterFault(h)).toBeGreaterThan(1);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
