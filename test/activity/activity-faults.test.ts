/**
 * Faults tied to a client's API activity fire at the named moment, on the sim and on the process
 * target alike: the controller model decides the moment (controller/activity-triggers.ts) and the
 * event's record is written then, so the history shows what the client was doing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NOT_FIRED_BY_QUIESCENCE } from '../../harness/controller/activity-triggers.ts';
import { caseArbitrary } from '../../harness/case-params.ts';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { historyHash, type HistoryRecord } from '../../harness/history.ts';
import type { Case } from '../../harness/strategies/index.ts';
import { formatPlan, type Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import fc from 'fast-check';
import { planArbitrary } from '../../harness/arbitraries.ts';

const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, { client: 'reconnecting' });

// Each plan ends with a wait in which the moment comes: quiescence fires no armed fault.
const plans: Record<string, Plan> = {
  'watch-next': [
    { kind: 'bootstrap' },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
    { kind: 'wait', durationMs: 20_000 },
    { kind: 'disconnect', client: 0, on: 'watch-next' },
    { kind: 'wait', durationMs: 20_000 },
  ],
  'deploy-answered': [
    { kind: 'bootstrap' },
    { kind: 'disconnect', client: 0, on: 'deploy-answered' },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
    { kind: 'wait', durationMs: 10_000 },
  ],
  'deploy-applied': [
    { kind: 'bootstrap' },
    { kind: 'disconnect', client: 0, on: 'deploy-applied' },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
    { kind: 'wait', durationMs: 10_000 },
  ],
  login: [
    { kind: 'partition', client: 0, durationMs: 3_000, on: 'login' },
    { kind: 'bootstrap' },
    { kind: 'wait', durationMs: 10_000 },
  ],
};

/** The tied event's record, and client-0's controller-side records up to it and from it on. */
function moment(history: HistoryRecord[]): { fired: HistoryRecord; before: HistoryRecord[]; after: HistoryRecord[] } {
  const i = history.findIndex((r) => r.type === 'event' && 'on' in r.event);
  expect(i, 'the tied event fired').toBeGreaterThan(0);
  const fired = history[i]!;
  const controllerSide = new Set(['request', 'login', 'conn-open', 'conn-close', 'watcher-stop', 'fault-start']);
  const mine = (r: HistoryRecord) => controllerSide.has(r.type) && 'client' in r && r.client === 'client-0';
  return { fired, before: history.slice(0, i).filter(mine), after: history.slice(i + 1).filter(mine) };
}

function checkWatchNext(history: HistoryRecord[]): void {
  const { fired, before } = moment(history);
  expect(fired).toMatchObject({ applied: true });
  // The fault's own records come first (the cut, written as it happens), then the event record;
  // before them, the controller had parked the client's Next: its last request.
  const last = before.map((r) => r.type).lastIndexOf('request');
  expect(before[last]).toMatchObject({ method: 'Next', accepted: true });
  expect(before.slice(last).find((r) => r.type === 'conn-close')).toMatchObject({ reason: 'fault' });
}

function checkDeployAnswered(history: HistoryRecord[]): void {
  const { fired, before } = moment(history);
  expect(fired).toMatchObject({ applied: true });
  const lastRequest = before.filter((r) => r.type === 'request').at(-1);
  expect(lastRequest).toMatchObject({ method: 'Deploy' }); // answered (accepted or refused) just now
  expect(before.at(-1)).toMatchObject({ type: 'conn-close', reason: 'fault' });
}

/** The Deploy was applied (accepted, its application in the model), then the connection was cut
 *  before the answer was written: the client's call never returned an answer. */
function checkDeployApplied(history: HistoryRecord[]): void {
  const { fired, before } = moment(history);
  expect(fired).toMatchObject({ applied: true });
  const deploy = before.filter((r) => r.type === 'request').at(-1);
  expect(deploy).toMatchObject({ method: 'Deploy', accepted: true, apps: ['mysql'] });
  expect(before.at(-1)).toMatchObject({ type: 'conn-close', reason: 'fault' });
  const final = history.find((r) => r.type === 'final-model');
  expect(final?.type === 'final-model' && Object.keys(final.model.applications)).toContain('mysql');
  // The client's Deploy call in flight then ended with the connection, with no answer.
  const call = history
    .slice(0, history.indexOf(fired))
    .filter((r) => r.type === 'call' && r.client === 'client-0' && r.method === 'Deploy')
    .at(-1);
  const ended = history.find(
    (r) => r.type === 'return' && call?.type === 'call' && r.client === 'client-0' && r.call === call.call,
  );
  expect(ended).toMatchObject({ outcome: 'closed' });
}

function checkLogin(history: HistoryRecord[]): void {
  const { fired, before, after } = moment(history);
  expect(fired).toMatchObject({ applied: true });
  // The Login was received (the connection is open, not yet logged in), the partition began, and
  // only then did the controller answer it, into the partition.
  expect(before.at(-1)).toMatchObject({ type: 'fault-start', fault: 'partition' });
  expect(before.filter((r) => r.type === 'login')).toEqual([]);
  expect(after[0]).toMatchObject({ type: 'login' });
  const answered = history.find((r) => r.type === 'return' && r.client === 'client-0' && r.call === 1);
  const healed = history.find((r) => r.type === 'fault-end' && r.fault === 'partition' && r.client === 'client-0');
  // The fault-end is the server's record, the return the harness's: two processes whose clocks meet
  // at an epoch origin, each converted through its own performance.timeOrigin (about a millisecond
  // apart at worst); at time scale 0.05 that is up to 20 model ms either way.
  expect(answered!.t).toBeGreaterThanOrEqual(healed!.t - CROSS_PROCESS_SKEW_MS);
}

/** Two real milliseconds of model time at this file's time scale (0.05). */
const CROSS_PROCESS_SKEW_MS = 40;

const checks = {
  'watch-next': checkWatchNext,
  'deploy-answered': checkDeployAnswered,
  'deploy-applied': checkDeployApplied,
  login: checkLogin,
};

/**
 * The plan's end waits for armed ties, and quiescence injects no fault. A tie whose moment comes
 * soon after the plan's last event fires in that wait (the plan ends at bootstrap; client-0's first
 * Next comes a little later), before quiescence; one whose moment never comes (no Deploy in the
 * plan) is dropped by quiescence once nothing is in motion; one in force when the plan ended is
 * healed with the others (a 600 s partition from about 20 s on).
 */
const quiescencePlans = {
  firedInWait: [{ kind: 'bootstrap' }, { kind: 'partition', client: 0, durationMs: 10_000, on: 'watch-next' }],
  unfired: [{ kind: 'bootstrap' }, { kind: 'disconnect', client: 0, on: 'deploy-answered' }],
  inForce: [
    { kind: 'bootstrap' },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
    { kind: 'wait', durationMs: 20_000 },
    { kind: 'partition', client: 0, durationMs: 600_000, on: 'watch-next' },
    { kind: 'wait', durationMs: 10_000 },
  ],
} satisfies Record<string, Plan>;

/** The index in the history of the first record of `type`. */
const at = (history: HistoryRecord[], type: HistoryRecord['type']): number => history.findIndex((r) => r.type === type);

function checkFiredInWait(history: HistoryRecord[]): void {
  const [wait, quiescence] = [at(history, 'tie-wait'), at(history, 'quiescence')];
  expect(history[wait]).toMatchObject({ armed: 1 });
  const tied = history.findIndex((r) => r.type === 'event' && r.index === 1);
  expect(history[tied]).toMatchObject({ applied: true });
  const cut = history.findIndex((r) => r.type === 'fault-start' && r.fault === 'partition');
  expect([wait < cut, cut < tied, tied < quiescence]).toEqual([true, true, true]);
  // Healed by the closing sequence, after quiescence; the client then settles.
  expect(history.findIndex((r) => r.type === 'fault-end' && r.fault === 'partition')).toBeGreaterThan(quiescence);
  expect(history.find((r) => r.type === 'quiet')).toMatchObject({ reached: true });
}

function checkUnfired(history: HistoryRecord[]): void {
  const [wait, quiescence] = [at(history, 'tie-wait'), at(history, 'quiescence')];
  expect(history[wait]).toMatchObject({ armed: 1 });
  const tied = history.find((r) => r.type === 'event' && r.index === 1);
  expect(tied).toMatchObject({ applied: false, note: NOT_FIRED_BY_QUIESCENCE });
  expect(history.indexOf(tied!)).toBeGreaterThan(quiescence);
  expect(history.filter((r) => r.type === 'conn-close' && r.reason === 'fault')).toEqual([]);
}

function checkHealedAtQuiescence(history: HistoryRecord[]): void {
  const quiescence = history.find((r) => r.type === 'quiescence')!;
  expect(history.find((r) => r.type === 'event' && r.index === 3)).toMatchObject({ applied: true });
  expect(at(history, 'tie-wait')).toBe(-1); // it fired during the plan: nothing to wait for
  const healed = history.find((r) => r.type === 'fault-end' && r.fault === 'partition');
  // Healed by the closing sequence, not at the end of its 600 s.
  expect(healed!.t - quiescence.t).toBeLessThan(60_000);
  expect(history.find((r) => r.type === 'quiet')).toMatchObject({ reached: true });
}

describe('faults tied to API activity on the sim', () => {
  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: fires at that moment`, () => {
      checks[name as keyof typeof checks](runSim(config, plan, 3).history);
    });
  }

  it("fire after the plan's last event while the plan waits for them, never during quiescence; those in force are healed there", () => {
    checkFiredInWait(runSim(config, quiescencePlans.firedInWait, 3).history);
    const unfired = runSim(config, quiescencePlans.unfired, 3).history;
    checkUnfired(unfired);
    // Nothing was in motion any more: the wait ended before its bound, one resume deadline.
    const wait = unfired.find((r) => r.type === 'tie-wait')!;
    expect(unfired[at(unfired, 'quiescence')]!.t).toBeLessThan(wait.type === 'tie-wait' ? wait.untilMs : 0);
    checkHealedAtQuiescence(runSim(config, quiescencePlans.inForce, 3).history);
  });

  it('wait one resume deadline of the controller available at most, and not at all in a plan without them (its history is as before)', () => {
    // client-0 is partitioned for 600 s, so it never settles; client-1 never deploys. Its own link
    // is not partitioned: the wait's clock runs once the implicit upgrade is over, not before.
    const busy: Plan = [
      { kind: 'bootstrap' },
      { kind: 'partition', client: 0, durationMs: 600_000 },
      { kind: 'disconnect', client: 1, on: 'deploy-answered' },
    ];
    const { resumeMs, deployMs } = config.scenario.deadlines;
    const history = runSim(config, busy, 3).history;
    const wait = history[at(history, 'tie-wait')]!;
    expect(wait).toMatchObject({ armed: 1, availableMs: resumeMs, untilMs: wait.t + deployMs + resumeMs });
    const upgraded = history[at(history, 'upgrade-end')]!.t;
    expect(upgraded).toBeGreaterThan(wait.t);
    // Counted from the first look (each second) after the upgrade ended.
    const quiescence = history[at(history, 'quiescence')]!.t;
    expect(quiescence - upgraded).toBeGreaterThanOrEqual(resumeMs);
    expect(quiescence - upgraded).toBeLessThanOrEqual(resumeMs + 1_000);
    expect(historyHash(runSim(config, busy, 3).history)).toBe(historyHash(history));
    expect(at(runSim(config, busy.slice(0, 2), 3).history, 'tie-wait')).toBe(-1);
  });

  it("a partition at a client's first Next after the upgrade no longer outlasts the run (seed 2's replay)", () => {
    // Drawn at seed 2 with on-activity weighed: the partition used to fire during quiescence, at
    // client-1's first Next once the upgrades were over; the quiet wait ended while it was cut off,
    // and its final view was judged before its new watcher delivered (watchers-resume violated).
    const plan: Plan = [
      { kind: 'chained-upgrade', version: '1.25.0' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'partition', client: 1, durationMs: 11_221, on: 'watch-next' },
      { kind: 'bootstrap' },
      { kind: 'restart' },
    ];
    expect(runSim(config, plan, 1838317592).violations).toEqual([]);
  });

  it('replay by seed and path: the case found again fires at the same moment', () => {
    const weighed = resolveRun({ ...config.scenario, weights: { ...config.scenario.weights, 'on-activity': 3 } });
    const cases: Case[] = [];
    fc.check(
      fc.property(caseArbitrary(weighed, {}), (c) => {
        cases.push(c);
        return true;
      }),
      { seed: 5, numRuns: 60 },
    );
    const firedIn = ([plan, simSeed]: Case) =>
      runSim(weighed, plan, simSeed).history.find((r) => r.type === 'event' && 'on' in r.event && r.applied);
    const index = cases.findIndex((c) => firedIn(c) !== undefined);
    expect(index, 'some drawn case has a tied fault that fires').toBeGreaterThanOrEqual(0);
    const replayed = caseAtPath(weighed, { seed: 5, path: String(index) });
    expect(replayed).toEqual(cases[index]);
    expect(firedIn(replayed)).toEqual(firedIn(cases[index]!));
    const [plan, simSeed] = replayed;
    expect(historyHash(runSim(weighed, plan, simSeed).history)).toBe(
      historyHash(runSim(weighed, ...cases[index]!).history),
    );
  });

  it('print readably in a plan', () => {
    const printed = formatPlan([
      { kind: 'bootstrap' },
      { kind: 'disconnect', client: 0, on: 'watch-next' },
      { kind: 'restart', when: { client: 1, on: 'login' } },
      { kind: 'partition', client: 0, durationMs: 2_000, on: 'deploy-answered' },
      { kind: 'disconnect', client: 1, on: 'deploy-applied' },
    ]);
    expect(printed).toContain('disconnect client-0 when client-0 next has an AllWatcher.Next in flight');
    expect(printed).toContain('restart controller agent while client-1 is logging in');
    expect(printed).toContain("partition client-0 for 2s right after client-0's Deploy is answered");
    expect(printed).toContain("disconnect client-1 once client-1's Deploy is applied, before its answer is written");
  });

  it('are generated when the scenario weighs on-activity', () => {
    const scenario = { ...config.scenario, weights: { ...config.scenario.weights, 'on-activity': 3 } };
    const drawn = fc.sample(planArbitrary(scenario), { seed: 1, numRuns: 50 }).flat();
    expect(drawn.some((e) => 'on' in e || (e.kind === 'restart' && e.when))).toBe(true);
  });
});

describe('faults tied to API activity on the process target', () => {
  const targets: ProcessTarget[] = [];
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });
  let plain: Promise<ProcessTarget> | undefined;

  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: fires at that moment`, async () => {
      plain ??= createProcessTarget({ timeScale: 0.05 }).then((t) => (targets.push(t), t));
      checks[name as keyof typeof checks](await (await plain).run(config, plan, 3));
    });
  }

  it("fire after the plan's last event while the plan waits for them, never during quiescence; those in force are healed there", async () => {
    plain ??= createProcessTarget({ timeScale: 0.05 }).then((t) => (targets.push(t), t));
    const target = await plain;
    checkFiredInWait(await target.run(config, quiescencePlans.firedInWait, 3));
    checkUnfired(await target.run(config, quiescencePlans.unfired, 3));
    checkHealedAtQuiescence(await target.run(config, quiescencePlans.inForce, 3));
  });

  // On the agent's TLS port the server resets the TCP socket beneath the TLS one.
  it('deploy-answered: fires at that moment over wss://', async () => {
    const tls = await createProcessTarget({ timeScale: 0.05, tls: true });
    targets.push(tls);
    checkDeployAnswered(await tls.run(config, plans['deploy-answered']!, 3));
  });
});
