import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../harness/clock.ts';
import { WatcherView } from '../../harness/clients/watcher-view.ts';
import { historyHash, recordsOf } from '../../harness/history.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { seededRng } from '../../harness/rng.ts';
import { caseArbitrary } from '../../harness/case-params.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { SimNetwork } from '../../harness/targets/sim/network.ts';
import { RpcConnection, CallCounter } from '../../harness/clients/connection.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { makeController } from './controller-fixture.ts';
import type { Plan } from '../../harness/plan.ts';

const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
const naive = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);

describe('the sim is a pure function of (config, plan, seed)', () => {
  it('gives the same history hash for the same inputs, over many generated cases', () => {
    for (const [plan, seed] of fc.sample(caseArbitrary(gated, {}), { numRuns: 40, seed: 11 })) {
      expect(historyHash(simulate(gated, plan, seed))).toBe(historyHash(simulate(gated, plan, seed)));
    }
  });

  it('depends on the seed (latencies and durations are drawn from it)', () => {
    const plan: Plan = [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 2 }];
    const hashes = new Set([1, 2, 3, 4].map((seed) => historyHash(simulate(gated, plan, seed))));
    expect(hashes.size).toBeGreaterThan(1);
  });

  it('records run-start first and client views, final model and run-end last', () => {
    const h = simulate(gated, [{ kind: 'bootstrap' }, { kind: 'deploy', client: 1, app: 'pg', units: 1 }], 3);
    expect(h[0]!.type).toBe('run-start');
    expect(h.slice(-4).map((r) => r.type)).toEqual(['client-view', 'client-view', 'final-model', 'run-end']);
    expect(recordsOf(h, 'ok')).toHaveLength(1);
  });
});

describe('sim network faults', () => {
  function connected() {
    const { clock, history, controller } = makeController('juju-1.24', { streams: ['1.24.0'] });
    controller.bootstrap();
    const net = new SimNetwork(clock, seededRng(2), controller, { latencyMs: [1, 5], connectTimeoutMs: 5_000 });
    let conn: RpcConnection | undefined;
    net.dialer('c')((r) => {
      if (r.ok) conn = new RpcConnection(r.transport, clock, history, 'c', 1, new CallCounter());
    });
    clock.runUntil(100);
    return { clock, history, net, controller, conn: conn! };
  }

  it('a partition holds frames until it heals, like TCP retransmission', () => {
    const { clock, net, conn } = connected();
    let answered = -1;
    net.partition('c');
    conn.call('Admin', 3, 'Login', { params: { 'auth-tag': 'user-admin', credentials: 'secret' } }, () => {
      answered = clock.now();
    });
    clock.runUntil(10_000);
    expect(answered).toBe(-1);
    net.heal('c');
    clock.runUntil(10_100);
    expect(answered).toBeGreaterThanOrEqual(10_000);
  });

  it('a reset closes both ends at once and settles every pending call', () => {
    const { clock, history, net, conn } = connected();
    const outcomes: string[] = [];
    conn.call('Admin', 3, 'Login', {}, (r) => outcomes.push(r.ok ? 'ok' : r.outcome));
    expect(net.reset('c')).toBe(true);
    expect(outcomes).toEqual(['closed']);
    expect(conn.isOpen).toBe(false);
    clock.runUntil(1_000);
    expect(recordsOf(history.records, 'conn-close')).toMatchObject([{ reason: 'fault' }]);
  });

  it('dialling a partitioned client times out; dialling a down agent is refused', () => {
    const { clock, net, controller } = connected();
    const results: string[] = [];
    net.partition('c');
    net.dialer('c')((r) => results.push(r.ok ? 'ok' : r.error));
    clock.runUntil(clock.now() + 6_000);
    net.heal('c');
    controller.restart();
    net.dialer('c')((r) => results.push(r.ok ? 'ok' : r.error));
    clock.runUntil(clock.now() + 100);
    expect(results).toEqual(['dial timeout', 'connection refused']);
  });
});

describe('client views', () => {
  const snapshot = (apps: string[]) =>
    apps.flatMap((a) => [
      ['application', 'change', { name: a }],
      ['unit', 'change', { name: `${a}/0`, application: a, 'workload-status': { current: 'active' } }],
    ]);

  it('a view that is not reset on a new snapshot keeps ghosts; a reset view does not', () => {
    const view = new WatcherView();
    view.apply(snapshot(['mysql', 'wordpress']));
    view.apply(snapshot(['mysql'])); // new watcher after a reconnect: wordpress vanished meanwhile
    expect(Object.keys(view.snapshot().applications)).toEqual(['mysql', 'wordpress']);
    view.reset();
    view.apply(snapshot(['mysql']));
    expect(Object.keys(view.snapshot().applications)).toEqual(['mysql']);
  });
});

describe('client profiles in the sim', () => {
  const plan: Plan = [
    { kind: 'bootstrap' },
    { kind: 'wait', durationMs: 60_000 },
    { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
    { kind: 'disconnect', client: 0 },
  ];

  it('the naive deployer fails its deployment when its connection drops and never watches again', () => {
    const h = simulate(naive, plan, 5);
    expect(recordsOf(h, 'fail')).toMatchObject([{ client: 'client-0', op: 1 }]);
    expect(recordsOf(h, 'client-view')[0]!.watching).toBe(false);
  });

  it('the reconnecting client resumes its watcher and completes the deployment', () => {
    const h = simulate(gated, plan, 5);
    expect(recordsOf(h, 'ok')).toMatchObject([{ client: 'client-0', op: 1 }]);
    expect(recordsOf(h, 'watcher-start').filter((r) => r.client === 'client-0').length).toBeGreaterThanOrEqual(2);
    expect(recordsOf(h, 'client-view').every((r) => r.watching)).toBe(true);
  });

  it('VirtualScheduler fires equal-time timers in the order they were set', () => {
    const clock = new VirtualScheduler();
    const order: number[] = [];
    clock.after(5, () => order.push(1));
    clock.after(5, () => order.push(2));
    clock.after(1, () => order.push(0));
    const cancelled = clock.after(2, () => order.push(99));
    cancelled.cancel();
    clock.runUntil(10);
    expect(order).toEqual([0, 1, 2]);
    expect(clock.now()).toBe(10);
  });
});

describe('--check-determinism', () => {
  it('catches a client that behaves differently on the same inputs', async () => {
    const { runSimChecked } = await import('../../harness/runner.ts');
    const { NondeterminismError } = await import('../../harness/errors.ts');
    let calls = 0;
    const flaky = {
      name: 'flaky',
      summary: 'remembers things between runs, which a sim client must never do',
      create: () => ({
        start() {},
        deploy() {},
        settled: () => true,
        stop() {},
        view: () => ({ watching: calls++ % 2 === 0, view: { applications: {} } }),
      }),
    };
    const config = { ...naive, client: flaky, scenario: { ...naive.scenario, clients: 1 } };
    expect(() => runSimChecked(config, [{ kind: 'bootstrap' }], 1)).toThrow(NondeterminismError);
    expect(() => runSimChecked(naive, [{ kind: 'bootstrap' }], 1)).not.toThrow();
  });
});
