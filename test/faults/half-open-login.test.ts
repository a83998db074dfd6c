/**
 * A link that goes half-open while a client logs in (a `half-open` tied to `login`). The reconnecting
 * profile times its login out (10 s) and reconnects; before it did, it waited for its first ping (15
 * s), and drawn tied half-opens found that too slow (seed 7, run 2673 of juju-1.24-gated-api). A
 * client with no login timeout and no ping before login waits for ever (test/clients/login-hangs-client.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planArbitrary } from '../../harness/arbitraries.ts';
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { HALF_OPEN_AT_LOGIN, withLoginHangsClient } from '../clients/login-hangs-client.ts';

const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
const { loginTimeoutMs: _none, ...untimedLogin } = RECONNECTING;
/** The reconnecting profile as it was: no login timeout, only its ping (15 s) finds a dead login. */
const before = { ...gated, client: scriptedProfile('reconnecting-untimed-login', 'as before', untimedLogin) };

/** What seed 7's run 2673 shrank to: client-1's login goes half-open after a partition grew its backoff. */
const SEED_7_RUN_2673: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 12_739 },
  { kind: 'half-open', client: 1, on: 'login' },
  { kind: 'wait', durationMs: 15_716 },
  { kind: 'partition', client: 1, durationMs: 13_768 },
  { kind: 'disconnect', client: 1 },
];
const SEED_7_SIM_SEED = 1734808294;

const logins = (h: readonly HistoryRecord[], client: string) =>
  h.filter((r) => r.type === 'call' && r.client === client && r.method === 'Login');
const firedAt = (h: readonly HistoryRecord[], index: number) =>
  h.find((r) => r.type === 'event' && r.index === index && r.applied);

describe('a link gone half-open while the client logs in (sim)', () => {
  it('costs the reconnecting profile one login timeout (10 s), then it logs in again and holds', () => {
    const { history, violations } = runSim(gated, HALF_OPEN_AT_LOGIN, 1);
    const fired = firedAt(history, 1);
    expect(fired).toBeDefined();
    const timedOut = history.find((r) => r.type === 'return' && r.client === 'client-0' && r.outcome === 'timeout');
    expect(timedOut!.t - fired!.t).toBeGreaterThanOrEqual(9_000);
    expect(timedOut!.t - fired!.t).toBeLessThanOrEqual(10_100);
    expect(logins(history, 'client-0').length).toBeGreaterThan(1);
    expect(violations).toEqual([]);
  });

  it('found the profile without its login timeout too slow: seed 7, run 2673 shrunk', () => {
    const watchers = (c: typeof gated) =>
      runSim(c, SEED_7_RUN_2673, SEED_7_SIM_SEED).violations.map((v) => [v.property, v.client]);
    expect(watchers(before)).toEqual([['watchers-resume', 'client-1']]);
    expect(watchers(gated)).toEqual([]);
  });

  it('hangs a client with no login timeout and no ping before login: deployments-complete is violated', () => {
    const { history, violations } = runSim(withLoginHangsClient(gated), HALF_OPEN_AT_LOGIN, 1);
    expect(firedAt(history, 1)).toBeDefined();
    expect(logins(history, 'client-0')).toHaveLength(1); // it never logged in again
    expect(history.filter((r) => r.type === 'fail' && r.client === 'client-0')).toMatchObject([
      { error: 'deadline exceeded' },
    ]);
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
    // The same client holds when the link is only cut while it logs in (it reconnects on the close).
    const cut = HALF_OPEN_AT_LOGIN.map((e) => (e.kind === 'half-open' ? { ...e, kind: 'disconnect' as const } : e));
    expect(runSim(withLoginHangsClient(gated), cut, 1).violations).toEqual([]);
  });

  it('are drawn tied about half of the time where half-opens are drawn', () => {
    const events = fc
      .sample(planArbitrary(gated.scenario), { seed: 7, numRuns: 300 })
      .flat()
      .filter((e) => e.kind === 'half-open');
    const tiedShare = events.filter((e) => e.on !== undefined).length / events.length;
    expect(tiedShare).toBeGreaterThan(0.3);
    expect(tiedShare).toBeLessThan(0.7);
    expect(new Set(events.map((e) => e.on))).toContain('login');
  });
});
