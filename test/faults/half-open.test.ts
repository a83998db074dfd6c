/**
 * A half-open connection (plan event `half-open`): the controller's end is reset, the client's
 * stays open and silent for good, and new connections work. A client that pings learns that the
 * link is dead and reconnects; one without a ping or a call timeout waits on its AllWatcher.Next
 * for ever, and its deployment is judged at the deadline. Sim only: the process target's fixed
 * plan is in test/targets/half-open-process.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { explore } from '../../harness/explore.ts';
import { planShrinks } from '../../harness/strategies/plan-shrinker.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import { historyHash, type HistoryRecord } from '../../harness/history.ts';
import { formatPlan, type Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
const { keepalive: _dropped, ...noKeepalive } = RECONNECTING;
/** Fix 1's script without its ping: it reconnects only when a socket closes. */
const noPing = { ...gated, client: scriptedProfile('no-ping', 'planted bug', noKeepalive) };

/** client-0 deploys, its watcher waits for the units; its connection goes half-open while the hooks run. */
export const HALF_OPEN_PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 30_000 },
  { kind: 'half-open', client: 0 },
  { kind: 'deploy', client: 1, app: 'wordpress', units: 1 },
  { kind: 'wait', durationMs: 10_000 },
];

const mine = (h: HistoryRecord[], type: HistoryRecord['type']) =>
  h.filter((r) => r.type === type && 'client' in r && r.client === 'client-0');

describe('half-open connections (sim)', () => {
  it("reset the controller's end, tell the client nothing, and let new connections through", () => {
    const { history, violations } = runSim(gated, HALF_OPEN_PLAN, 3);
    const fired = history.findIndex((r) => r.type === 'event' && r.event.kind === 'half-open');
    expect(history[fired]).toMatchObject({ applied: true });
    const closes = mine(history.slice(0, fired), 'conn-close');
    expect(closes.at(-1)).toMatchObject({ reason: 'fault' });
    // The client saw no close of that connection: its client-conn 'closed' comes only once its
    // ping went unanswered, a ping timeout later (5 s), and then it dialled again.
    const cut = history[fired]!.t;
    const noticed = mine(history.slice(fired), 'client-conn').find(
      (r) => r.type === 'client-conn' && r.state === 'closed',
    );
    expect(noticed!.t - cut).toBeGreaterThanOrEqual(5_000);
    expect(mine(history.slice(fired), 'conn-open').length).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it('do not excuse a client that finds the link dead, reconnects and never watches again (planted)', () => {
    // A controller that does not upgrade itself: the half-open is the client's first lost connection.
    const steady = resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!);
    const noRewatch = {
      ...steady,
      client: scriptedProfile('no-rewatch', 'planted bug', { ...RECONNECTING, rewatchOnReconnect: false }),
    };
    // The run goes on long enough for its ping (15 s), excused, and the resume deadline (30 s) after it.
    const plan: Plan = [...HALF_OPEN_PLAN, { kind: 'wait', durationMs: 60_000 }];
    const { history, violations } = runSim(noRewatch, plan, 3);
    const fired = history.find((r) => r.type === 'event' && r.event.kind === 'half-open')!;
    expect(fired).toMatchObject({ applied: true });
    expect(mine(history, 'conn-open').filter((r) => r.t > fired.t).length).toBeGreaterThan(0); // it did reconnect
    const lost = violations.filter((v) => v.property === 'watchers-resume' && v.message.includes('lost its watcher'));
    expect(lost.map((v) => v.client)).toEqual(['client-0']);
    // Judged at the end of its silence plus the resume deadline, not before.
    const noticed = mine(history, 'client-conn').find(
      (r) => r.type === 'client-conn' && r.state === 'closed' && r.t > fired.t,
    )!;
    expect(lost[0]!.t).toBe(noticed.t + 30_000);
    expect(runSim(steady, plan, 3).violations).toEqual([]);
  });

  it('judge a watcher lost at a half-open near the end: the closing waits out its excuse and its deadline', () => {
    // The plan ends 10 s after the half-open: the run's closing must go on for the silence the
    // property excuses (up to the request deadline) plus the resume deadline, or the loss is never judged.
    const steady = resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!);
    const noRewatch = {
      ...steady,
      client: scriptedProfile('no-rewatch', 'planted bug', { ...RECONNECTING, rewatchOnReconnect: false }),
    };
    const { history, violations, unknown } = runSim(noRewatch, HALF_OPEN_PLAN, 3);
    const fired = history.find((r) => r.type === 'event' && r.event.kind === 'half-open')!;
    const { resumeMs, requestMs } = steady.scenario.deadlines;
    expect(history.at(-1)!.t).toBeGreaterThanOrEqual(fired.t + resumeMs + requestMs);
    const lost = violations.filter((v) => v.property === 'watchers-resume' && v.message.includes('lost its watcher'));
    expect(lost.map((v) => v.client)).toEqual(['client-0']);
    expect(unknown.filter((u) => u.property === 'watchers-resume')).toEqual([]);
  });

  it('leave a client without a ping or call timeout waiting for ever: deployments-complete is violated', () => {
    const { history, violations } = runSim(noPing, HALF_OPEN_PLAN, 3);
    const fired = history.findIndex((r) => r.type === 'event' && r.event.kind === 'half-open');
    expect(history[fired]).toMatchObject({ applied: true });
    expect(mine(history.slice(fired), 'conn-open')).toEqual([]); // it never dialled again
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
    // The same client holds when the link is only cut (it reconnects on the close).
    const reset = HALF_OPEN_PLAN.map((e) => (e.kind === 'half-open' ? { kind: 'disconnect' as const, client: 0 } : e));
    expect(runSim(noPing, reset, 3).violations).toEqual([]);
  });

  it("fire at a client's API moment when tied to it: under its AllWatcher.Next in flight", () => {
    const tied: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'half-open', client: 0, on: 'watch-next' },
      { kind: 'wait', durationMs: 30_000 },
    ];
    const { history, violations } = runSim(noPing, tied, 3);
    const fired = history.findIndex((r) => r.type === 'event' && r.index === 2);
    expect(history[fired]).toMatchObject({ applied: true });
    // At that moment the model was handling client-0's Next, and lost its connection to the fault.
    const before = history.slice(0, fired);
    expect(before.filter((r) => r.type === 'request' && r.client === 'client-0').at(-1)).toMatchObject({
      facade: 'AllWatcher',
      method: 'Next',
    });
    expect(mine(before, 'conn-close').at(-1)).toMatchObject({ reason: 'fault', t: history[fired]!.t });
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
    expect(runSim(gated, tied, 3).violations).toEqual([]); // the reconnecting client's ping finds it
    expect(formatPlan(tied)).toContain(
      "leave client-0's connections half-open for good when client-0 next has an AllWatcher.Next in flight",
    );
  });

  it("fire right after a WatchAll is answered when tied to it, before the client's next call", () => {
    const tied: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'half-open', client: 0, on: 'watch-answered' },
      { kind: 'wait', durationMs: 30_000 },
    ];
    const { history, violations } = runSim(noPing, tied, 3);
    const fired = history.findIndex((r) => r.type === 'event' && r.index === 2);
    expect(history[fired]).toMatchObject({ applied: true });
    // The WatchAll the controller accepted (after those the implicit upgrade refused) was the
    // connection's last call: the client's first Next goes nowhere.
    const before = history.slice(0, fired);
    const calls = mine(before, 'request');
    expect(calls.at(-1)).toMatchObject({ method: 'WatchAll', accepted: true });
    expect(mine(before, 'conn-close').at(-1)).toMatchObject({ reason: 'fault', t: history[fired]!.t });
    expect(violations.map((v) => v.property)).toContain('deployments-complete');
    expect(runSim(gated, tied, 3).violations).toEqual([]); // the reconnecting client's ping finds it
    expect(formatPlan(tied)).toContain(
      "leave client-0's connections half-open for good right after client-0's WatchAll is answered, before its next call",
    );
  });

  it('drawn tied to a WatchAll answered, shrink keeping the tie a timed one cannot replace, and replay by seed and path', () => {
    // One client drawing half-opens (tied half of the time), deploys and waits: the first failure of
    // the client without a ping at seed 4 shrinks to a half-open armed before the bootstrap, which
    // only its moment lets act (a timed one there finds no connection).
    const scenario = {
      ...noPing.scenario,
      clients: 1,
      weights: { 'half-open': 3, deploy: 2, wait: 2, 'on-activity': 1 },
    };
    const config = { ...noPing, scenario, properties: ['deployments-complete' as const] };
    const failure = explore(config, { runs: 100, seed: 4 }).failures[0]!;
    expect(failure.plan).toHaveLength(3);
    expect(failure.plan.filter((e) => e.kind === 'half-open')).toEqual([
      { kind: 'half-open', client: 0, on: 'watch-answered' },
    ]);
    const [plan, simSeed] = caseAtPath(config, { seed: failure.seed, path: failure.path });
    expect(plan).toEqual(failure.plan);
    const history = simulate(config, plan, simSeed);
    expect(historyHash(history)).toBe(failure.historyHash);
    const fired = history.findIndex((r) => r.type === 'event' && r.event.kind === 'half-open' && r.applied);
    expect(mine(history.slice(0, fired), 'request').at(-1)).toMatchObject({ method: 'WatchAll', accepted: true });
  });

  // Drawn tied half of the time (test/faults/half-open-login.test.ts); a failure file reads them
  // back (test/core/failure-record.test.ts).
  it('shrink to the timed one first', () => {
    const tied: Plan = [{ kind: 'bootstrap' }, { kind: 'half-open', client: 1, on: 'login' }];
    expect([...planShrinks(tied)]).toContainEqual([{ kind: 'bootstrap' }, { kind: 'half-open', client: 1 }]);
  });

  it('print readably', () => {
    expect(formatPlan(HALF_OPEN_PLAN)).toContain("leave client-0's connections half-open for good");
  });
});
