/**
 * A drawn tie fires, or is recorded as not applied with why. A tie is the harness's instruction,
 * not the controller's state: a crash kills the controller's memory, armed triggers among them, and
 * the run arms its ties again in the controller that starts next (targets/world.ts ArmedTies); a
 * tie drawn while the controller is killed waits for it. The plan's end waits for ties for one resume
 * deadline of time the controller was available (targets/closing.ts), so an upgrade in force then
 * does not use up the wait. Sim halves; a server arms again what its records do not show fired
 * (wire/session.ts arm).
 */
import { describe, expect, it } from 'vitest';
import { notFiredNote } from '../../harness/controller/activity-triggers.ts';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { TIE_ACROSS_CRASH_PLAN } from '../targets/crashed-run.ts';

const crashed = resolveRun(scenarioByName('juju-1.24-crashed-controller')!);
const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);

const eventRecord = (h: readonly HistoryRecord[], index: number) =>
  h.find((r) => r.type === 'event' && r.index === index);
const crashEnd = (h: readonly HistoryRecord[]) => h.find((r) => r.type === 'fault-end' && r.fault === 'crash')!;

describe('ties kept across a crash (sim)', () => {
  it('a tie armed before a crash fires at its moment after the controller is started again', () => {
    const { history, violations } = runSim(crashed, TIE_ACROSS_CRASH_PLAN, 1);
    const fired = eventRecord(history, 2);
    expect(fired).toMatchObject({ applied: true });
    expect(fired!.t).toBeGreaterThan(crashEnd(history).t);
    // At that moment the controller had answered client-0's Deploy, then lost its connection to the fault.
    const before = history.filter((r) => r.t <= fired!.t);
    expect(before.filter((r) => r.type === 'request' && r.client === 'client-0').at(-1)).toMatchObject({
      method: 'Deploy',
    });
    expect(violations).toEqual([]);
  });

  it('a tie drawn while the controller is killed waits for the one started next', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 25_000 },
      { kind: 'crash', downMs: 3_000 },
      { kind: 'disconnect', client: 0, on: 'deploy-answered' },
      { kind: 'wait', durationMs: 5_000 },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 30_000 },
    ];
    const { history } = runSim(crashed, plan, 1);
    const fired = eventRecord(history, 3);
    expect(fired).toMatchObject({ applied: true });
    expect(fired!.t).toBeGreaterThan(crashEnd(history).t);
  });

  it('a tie whose controller is still killed at the plan end is recorded as not applied, saying so', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 25_000 },
      { kind: 'disconnect', client: 0, on: 'deploy-answered' },
      { kind: 'crash', downMs: 700_000 },
    ];
    const { history } = runSim(crashed, plan, 1);
    const dropped = eventRecord(history, 2);
    expect(dropped).toMatchObject({ applied: false, note: expect.stringContaining('the controller was down') });
    const quiescence = history.findIndex((r) => r.type === 'quiescence');
    expect(history.indexOf(dropped!)).toBeGreaterThan(quiescence);
  });
});

describe('the plan end waits for ties while the controller is available (sim)', () => {
  it("an upgrade tied to a client's Deploy fires after two upgrades that outlast a resume deadline", () => {
    // The implicit upgrade, then a chained one: the client's Deploy is refused until both are over.
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'chained-upgrade', version: '1.24.3' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'publish', version: '1.25.0' },
      { kind: 'upgrade', version: '1.25.0', when: { client: 0, on: 'deploy-received' } },
    ];
    const { history } = runSim(gated, plan, 1);
    const fired = eventRecord(history, 4);
    const upgradesEnd = history.filter((r) => r.type === 'upgrade-end').at(1)!;
    expect(upgradesEnd.t).toBeGreaterThan(gated.scenario.deadlines.resumeMs);
    expect(fired).toMatchObject({ applied: true });
    expect(fired!.t).toBeGreaterThan(upgradesEnd.t);
  });

  it('says why a tied upgrade never fired: its moments all came while an upgrade was pending or running', () => {
    // client-0 logs in while the implicit upgrade is pending, and again after its restart (steps
    // running); it never logs in again.
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'upgrade', version: '1.24.3', when: { client: 0, on: 'login' } },
    ];
    const { history } = runSim(gated, plan, 1);
    const logins = history.filter((r) => r.type === 'login' && r.client === 'client-0').length;
    expect(logins).toBeGreaterThanOrEqual(2);
    expect(eventRecord(history, 1)).toMatchObject({ applied: false, note: notFiredNote(logins) });
  });
});
