/**
 * Faults tied to a client's API activity fire at the named moment, on the sim and on the process
 * target alike: the controller model decides the moment (controller/activity-triggers.ts) and the
 * event's record is written then, so the history shows what the client was doing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import { formatPlan, type Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import fc from 'fast-check';
import { planArbitrary } from '../../harness/arbitraries.ts';

const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, { client: 'reconnecting' });

const plans: Record<string, Plan> = {
  'watch-next': [
    { kind: 'bootstrap' },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
    { kind: 'wait', durationMs: 20_000 },
    { kind: 'disconnect', client: 0, on: 'watch-next' },
  ],
  'deploy-answered': [
    { kind: 'bootstrap' },
    { kind: 'disconnect', client: 0, on: 'deploy-answered' },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  ],
  login: [{ kind: 'partition', client: 0, durationMs: 3_000, on: 'login' }, { kind: 'bootstrap' }],
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

const checks = { 'watch-next': checkWatchNext, 'deploy-answered': checkDeployAnswered, login: checkLogin };

describe('faults tied to API activity on the sim', () => {
  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: fires at that moment`, () => {
      checks[name as keyof typeof checks](runSim(config, plan, 3).history);
    });
  }

  it('print readably in a plan', () => {
    const printed = formatPlan([
      { kind: 'bootstrap' },
      { kind: 'disconnect', client: 0, on: 'watch-next' },
      { kind: 'restart', when: { client: 1, on: 'login' } },
      { kind: 'partition', client: 0, durationMs: 2_000, on: 'deploy-answered' },
    ]);
    expect(printed).toContain('disconnect client-0 when client-0 next has an AllWatcher.Next in flight');
    expect(printed).toContain('restart controller agent while client-1 is logging in');
    expect(printed).toContain("partition client-0 for 2s right after client-0's Deploy is answered");
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

  // On the agent's TLS port the server resets the TCP socket beneath the TLS one.
  it('deploy-answered: fires at that moment over wss://', async () => {
    const tls = await createProcessTarget({ timeScale: 0.05, tls: true });
    targets.push(tls);
    checkDeployAnswered(await tls.run(config, plans['deploy-answered']!, 3));
  });
});
