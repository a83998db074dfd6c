/**
 * A half-open link tied to a client's API moment on the process target: the server itself leaves
 * the client's socket open and silent the moment the model handles its AllWatcher.Next
 * (wire/client-links.ts), as the sim's network does (test/faults/half-open.test.ts). The
 * reconnecting profile's ping finds the link dead and it holds every property; the same profile
 * without its ping waits on its Next until its deadline. Both play the same plan at once on one
 * server; the fault fires at a named moment, so timing decides nothing. The closing sequence waits a
 * whole resume deadline from when a tied half-open fired, which the server tells at quiescence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { checkProperties, judgeProperties } from '../../properties/index.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { runCase, type CaseRun } from '../../harness/targets/target.ts';
import { configOf } from './scenario-config.ts';
import { withSlowHooks } from './script-pair.ts';

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'half-open', client: 0, on: 'watch-next' },
  { kind: 'wait', durationMs: 5_000 },
];

/** The plan the process target's seed 3 shrank to: client-0's link goes half-open late, while
 *  client-1's units come up; without a wait after it the run used to end seconds later. */
const LATE: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 22_465 },
  { kind: 'deploy', client: 1, app: 'wordpress', units: 1 },
  { kind: 'wait', durationMs: 10_551 },
  { kind: 'half-open', client: 0, on: 'watch-next' },
];
/** A half-open at client-0's first Next, early, and the plan goes on long after the whole resume
 *  deadline after it (minutes of model time: seconds of real time at 0.02, more than a loaded
 *  machine stalls between quiescence and the run's end); one tied to a Deploy of client-1's that
 *  never comes, dropped at quiescence. */
const EARLY: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'half-open', client: 0, on: 'watch-next' },
  { kind: 'half-open', client: 1, on: 'deploy-answered' },
  { kind: 'wait', durationMs: 200_000 },
];
const plain = configOf('juju-1.24-gated-api');

const config = withSlowHooks(configOf('juju-1.24-gated-api', { deployMs: 120_000 }));
const { keepalive: _dropped, ...noKeepalive } = RECONNECTING;
const noPing = { ...config, client: scriptedProfile('no-ping', 'planted bug', noKeepalive) };

let target: ProcessTarget | undefined;
let runs: CaseRun[] = [];
beforeAll(async () => {
  target = await createProcessTarget({ timeScale: 0.02 });
  runs = await Promise.all([
    runCase(target, config, PLAN, 1),
    runCase(target, noPing, PLAN, 1),
    runCase(target, plain, LATE, 1),
    runCase(target, plain, EARLY, 1),
  ]);
});
afterAll(async () => {
  await target?.close();
});

/** The tied half-open fired while the model handled client-0's Next, and cut that connection. */
function expectFiredAtNext(h: History): number {
  const fired = h.findIndex((r) => r.type === 'event' && r.index === 2);
  expect(h[fired]).toMatchObject({ applied: true });
  const before = h.slice(0, fired).filter((r) => 'client' in r && r.client === 'client-0');
  const request = before.filter((r) => r.type === 'request').at(-1);
  expect(request).toMatchObject({ facade: 'AllWatcher', method: 'Next' });
  expect(before.filter((r) => r.type === 'conn-close').at(-1)).toMatchObject({ reason: 'fault' });
  return h[fired]!.t;
}

describe('a half-open link tied to a client moment (process target)', () => {
  it('the reconnecting profile finds it dead by its ping, reconnects and holds', () => {
    const h = runs[0]!.history;
    const cut = expectFiredAtNext(h);
    expect(h.filter((r) => r.type === 'conn-open' && r.client === 'client-0' && r.t > cut).length).toBeGreaterThan(0);
    const violations = checkProperties(h, config.properties);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });

  it('the run goes on a whole resume deadline after the tie fired, so a correct client is judged only after it could find the dead link', () => {
    // The server applies the tie; its record reaches the harness with the controller's records at
    // the end, so the closing waits from quiescence (closing.ts halfOpenResumeDeadline).
    const h = runs[2]!.history;
    const fired = h.find((r) => r.type === 'event' && r.index === 4);
    expect(fired).toMatchObject({ applied: true });
    const { resumeMs, requestMs } = plain.scenario.deadlines;
    expect(h.at(-1)!.t).toBeGreaterThanOrEqual(fired!.t + resumeMs + requestMs);
    const violations = checkProperties(h, plain.properties);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });

  it('the wait runs from when the tie fired (the controller says so at quiescence), and a dropped one asks for none', () => {
    // Timed from quiescence, this run would end a whole deadline after it: it ends with the quiet wait.
    const h = runs[3]!.history;
    const fired = h.find((r) => r.type === 'event' && r.index === 2);
    const dropped = h.find((r) => r.type === 'event' && r.index === 3);
    const quiescence = h.find((r) => r.type === 'quiescence')!;
    expect(fired).toMatchObject({ applied: true });
    expect(dropped).toMatchObject({ applied: false });
    expect(fired!.t).toBeLessThan(quiescence.t);
    const { resumeMs, requestMs } = plain.scenario.deadlines;
    const end = h.at(-1)!.t;
    expect(end).toBeGreaterThanOrEqual(fired!.t + resumeMs + requestMs);
    expect(end).toBeLessThan(quiescence.t + resumeMs + requestMs);
    const violations = checkProperties(h, plain.properties);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });

  it('without its ping it waits on its Next until the deadline', () => {
    const h = runs[1]!.history;
    const cut = expectFiredAtNext(h);
    expect(h.filter((r) => r.type === 'conn-open' && r.client === 'client-0' && r.t > cut)).toEqual([]);
    // Its deploy ends at its deadline. deployments-complete says violated (or unknown, when a loaded
    // machine stalled the run past its budget: properties/stall.ts), never held.
    expect(h.filter((r) => r.type === 'fail' && r.client === 'client-0')).toMatchObject([
      { error: 'deadline exceeded' },
    ]);
    const [verdict] = judgeProperties(h, ['deployments-complete']);
    expect(verdict?.verdict).not.toBe('held');
  });
});
