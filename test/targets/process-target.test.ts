import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import type { ServerProcess } from '../../harness/targets/process/server-process.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';
import { readFileSync } from 'node:fs';
import { crashedRun, TIE_ACROSS_CRASH_PLAN } from './crashed-run.ts';
import { pausedRun } from './paused-run.ts';

let target: ProcessTarget;

beforeAll(async () => {
  target = await createProcessTarget({ timeScale: 0.04 });
});

afterAll(async () => {
  await target?.close();
});

/** The same closing shape as the sim: run-start first; client views, final model and run-end last; time never goes back. */
function expectSimShape(h: HistoryRecord[], clients: number): void {
  expect(h[0]!.type).toBe('run-start');
  expect(h.slice(-2).map((r) => r.type)).toEqual(['final-model', 'run-end']);
  expect(h.filter((r) => r.type === 'client-view')).toHaveLength(clients);
  for (let i = 2; i < h.length; i++) expect(h[i]!.t, `record ${i}`).toBeGreaterThanOrEqual(h[i - 1]!.t);
  expect(h.some((r) => r.type === 'quiescence')).toBe(true);
}

describe('targets/process', () => {
  it('finds the lp:1455260 race on real sockets: juju-1.22, bootstrap then deploy at once', async () => {
    const c = configOf('juju-1.22-implicit-upgrade');
    const plan: Plan = [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 2 }];
    // The race is the client's connect, login and deploy against the controller's upgrade, both in
    // real time: at 0.04 the upgrade lasts well under a second, which a busy machine's event loop can
    // miss; at 0.2 the window is seconds wide.
    const slower = await createProcessTarget({ timeScale: 0.2 });
    let h: HistoryRecord[];
    try {
      h = await slower.run(c, plan, 1);
    } finally {
      await slower.close();
    }
    expectSimShape(h, 1);
    // Both sides of the wire are in the one history.
    expect(h.find((r) => r.type === 'run-start')).toMatchObject({ target: 'process', scenario: c.scenario.name });
    expect(h.some((r) => r.type === 'conn-open' && r.client === 'client-0')).toBe(true);
    expect(h.some((r) => r.type === 'client-conn' && r.client === 'client-0')).toBe(true);
    expect(h.some((r) => r.type === 'agent-down' && r.reason === 'upgrade')).toBe(true);
    const violated = new Set(checkProperties(h, c.properties).map((v) => v.property));
    expect(violated).toContain('no-work-before-upgrade');
    expect(violated).toContain('deployments-complete');
    expect(violated).toContain('watchers-resume');
  });

  it('holds for juju-1.24 and the reconnecting client through disconnects, partitions, restarts and upgrades', async () => {
    const c = configOf('juju-1.24-gated-api');
    const plans: Plan[] = [
      [
        { kind: 'bootstrap' },
        { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
        { kind: 'wait', durationMs: 3_000 },
        { kind: 'disconnect', client: 0 },
        { kind: 'wait', durationMs: 1_000 },
        { kind: 'deploy', client: 1, app: 'wordpress', units: 2 },
        { kind: 'partition', client: 1, durationMs: 5_000 },
      ],
      [
        { kind: 'bootstrap' },
        { kind: 'wait', durationMs: 2_000 },
        { kind: 'restart' },
        { kind: 'deploy', client: 1, app: 'haproxy', units: 1 },
        { kind: 'partition', client: 0, durationMs: 20_000 },
        { kind: 'wait', durationMs: 25_000 },
        { kind: 'disconnect', client: 1 },
      ],
      [
        { kind: 'bootstrap' },
        { kind: 'publish', version: '1.24.3' },
        { kind: 'wait', durationMs: 30_000 },
        { kind: 'upgrade' },
        { kind: 'deploy', client: 0, app: 'postgresql', units: 3 },
        { kind: 'wait', durationMs: 5_000 },
        { kind: 'disconnect', client: 0 },
      ],
    ];
    for (const [i, plan] of plans.entries()) {
      const h = await target.run(c, plan, i);
      expectSimShape(h, 2);
      expect(checkProperties(h, c.properties), `plan ${i}`).toEqual([]);
      const events = h.flatMap((r) => (r.type === 'event' ? [r] : []));
      expect(events.map((r) => r.index)).toEqual(plan.map((_, j) => j)); // applied one at a time, in plan order
      expect(events.find((r) => r.event.kind === 'bootstrap')?.applied).toBe(true);
      // A refused upgrade (one may still be running) says why.
      for (const r of events) if (r.event.kind === 'upgrade' && !r.applied) expect(r.note).toMatch(/upgrade|available/);
    }
  });

  it('pauses the server process (SIGSTOP, then SIGCONT) for a pause event, and the gated client rides it out', async () => {
    const server = target.server as ServerProcess;
    // /proc/PID/stat: "pid (comm) STATE ...": T when stopped.
    const stopped = async (): Promise<boolean> => /\) T /.test(readFileSync(`/proc/${server.pid}/stat`, 'utf8'));
    await pausedRun(target, stopped);
  });

  it("kills the server process (SIGKILL, then SIGTERM) for crash events and starts it again with the run's controller", async () => {
    const server = target.server as ServerProcess;
    await crashedRun(target, async () => String(server.pid));
  });

  it('ends a plan whose last crash is still down while a fault tied to client activity is armed', async () => {
    // The plan's end asks the controller how many ties are still armed. It used to ask the killed
    // server, so the run failed the target (exit 3, ECONNREFUSED) on juju-1.24-crashed-controller
    // seed 11 with the built-in client; it now waits for the restart, as healing the faults does.
    const c = configOf('juju-1.24-crashed-controller');
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 25_000 },
      { kind: 'disconnect', client: 0, on: 'deploy-answered' }, // nothing deploys: it stays armed
      { kind: 'crash', downMs: 20_000 },
    ];
    const h = await target.run(c, plan, 3);
    expect(h.filter((r) => r.type === 'fault-end' && r.fault === 'crash')).toHaveLength(1);
    expect(h.at(-1)!.type).toBe('run-end');
  });

  it('arms a tie again in the server started after a crash, where it fires at its moment (test/activity/ties-kept.test.ts)', async () => {
    const c = configOf('juju-1.24-crashed-controller');
    const h = await target.run(c, TIE_ACROSS_CRASH_PLAN, 3);
    const restarted = h.find((r) => r.type === 'fault-end' && r.fault === 'crash')!;
    const fired = h.filter((r) => r.type === 'event' && r.index === 2);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ applied: true });
    expect(fired[0]!.t).toBeGreaterThan(restarted.t);
  });

  it('an interrupt while an event waits for its moment ends the run, and nothing of it keeps polling', async () => {
    // The run's clock stops at an interrupt, so a chained upgrade waiting for the implicit one to end
    // never acts: the closing wait (and the wait for the plan's last event) polled on every 10 ms to
    // its deadline, seconds to minutes, and the interrupted CLI exited only then.
    const slow = await createProcessTarget({ timeScale: 0.5 }); // the implicit upgrade lasts seconds
    const interrupt = new AbortController();
    const plan: Plan = [{ kind: 'bootstrap' }, { kind: 'chained-upgrade', version: '1.22.4' }];
    const statuses: string[] = [];
    let timersAfter: unknown[][];
    try {
      const run = slow.run(configOf('juju-1.22-implicit-upgrade'), plan, 1, {
        signal: interrupt.signal,
        onStatus: (line) => {
          statuses.push(line);
          interrupt.abort(new Error('interrupted'));
        },
      });
      await expect(run).rejects.toThrow('interrupted');
      const timers = vi.spyOn(globalThis, 'setTimeout');
      await new Promise((resolve) => setTimeout(resolve, 500));
      timersAfter = timers.mock.calls.slice(1); // the first is the wait just above
      timers.mockRestore();
    } finally {
      await slow.close();
    }
    expect(statuses[0]).toMatch(/^waiting for the run to settle/); // the chained upgrade waits
    expect(timersAfter.length, 'timers set after the run had stopped').toBeLessThan(5); // ~50 when it polls
  });

  it('serves the next run after the controller process crashed', async () => {
    await target.crash();
    const c = configOf('juju-1.24-gated-api');
    const h = await target.run(c, [{ kind: 'bootstrap' }], 9);
    expect(h.some((r) => r.type === 'bootstrap')).toBe(true);
  });
});
