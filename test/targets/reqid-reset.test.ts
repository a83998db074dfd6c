/**
 * A script that numbers each connection's requests from 1 but keeps one table of calls in flight
 * for all of them (examples/clients/reqid-reset.mjs), on one fixed plan on the process target:
 * client-0's first connection goes half-open right after its first WatchAll is answered, so its
 * pings go unanswered until the first one's timeout closes the link; the later pings' timeouts fire
 * while the next connection, young, has reused their request-ids, and take the new calls' entries
 * away (its long-polling Next among them, which then waits for ever). robust.mjs (one table per
 * connection, calls failed when it closes) reconnects and holds on the same plan.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { judgeRun } from '../../harness/runner.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair, withSlowHooks } from './script-pair.ts';

const BUGGY = 'node examples/clients/reqid-reset.mjs';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'half-open', client: 0, on: 'watch-answered' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 5_000 },
];

const config = () => withSlowHooks(configOf('juju-1.25-no-implicit-upgrade', { deployMs: 200_000 }));

/** The tied half-open fired (right after client-0's first WatchAll was answered). */
const expectFired = (h: History) =>
  expect(h.find((r) => r.type === 'event' && r.index === 1)).toMatchObject({ applied: true });

describe('a script whose request-ids start over on each connection (process target, fixed plan)', () => {
  const runs = playScriptPair({ buggy: BUGGY, plan: PLAN, config: config(), timeScale: 0.05 });

  it('reqid-reset.mjs loses a new call to an old call timeout and is caught', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expectFired(h);
    expect(clientOutputs[0]!.exitCode).not.toBe(0);
    expect(judgeRun(h, config().properties).violations.map((v) => v.property)).toContain('deployments-complete');
  });

  it('robust.mjs reconnects and holds every property', () => {
    const { history: h, clientOutputs } = runs.robust();
    expectFired(h);
    const violations = judgeRun(h, config().properties).violations;
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });
});
