/**
 * The scripted client reports what the controller tells it, when it tells it: a deploy whose unit
 * the watcher shows in error fails at once with that reason, not at its deadline (properties judge
 * the verdict, which a late "deadline exceeded" leaves the same; the user's command hangs for ten
 * minutes). Part of `npm run mutation`'s kill criteria (vitest.mutation.config.ts).
 */
import { describe, expect, it } from 'vitest';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName } from '../../scenarios/index.ts';

describe('the reconnecting client', () => {
  it("fails a deploy as soon as its watcher shows a unit in error (Juju 1.22's interrupted hook), with the reason", () => {
    // Deployed before bootstrap: the implicit upgrade's restart interrupts its hooks, and 1.22 leaves the unit in error.
    const config = resolveRun(scenarioByName('juju-1.22-reconnecting-client')!);
    const plan = [{ kind: 'deploy', client: 1, app: 'postgresql', units: 2 } as const, { kind: 'bootstrap' } as const];
    const { history } = runSim(config, plan, 14);
    const invoke = history.find((r) => r.type === 'invoke')!;
    const report = history.find((r) => (r.type === 'ok' || r.type === 'fail') && r.op === invoke.op)!;
    expect(report).toMatchObject({ type: 'fail', error: 'a unit of postgresql is in error' });
    const inError = history.findIndex((r) => r.type === 'hook-end' && r.result === 'interrupted');
    expect(inError).toBeGreaterThan(-1);
    expect(report.t - history[inError]!.t).toBeLessThan(60_000); // its deadline is ten minutes
  });
});

describe("a deploy another client's removal took back", () => {
  it('fails as soon as its watcher shows the application removed, not at its deadline, and the properties hold', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);
    const plan = [
      { kind: 'bootstrap' } as const,
      { kind: 'wait', durationMs: 120_000 } as const, // the implicit upgrade is over
      { kind: 'deploy', client: 1, app: 'mysql', units: 3 } as const,
      { kind: 'wait', durationMs: 3_000 } as const, // accepted, its units not active yet
      { kind: 'remove', client: 0, app: 'mysql' } as const,
    ];
    const { history, violations } = runSim(config, plan, 3);
    const deploy = history.find((r) => r.type === 'invoke' && r.f === 'deploy')!;
    const removal = history.find((r) => r.type === 'invoke' && r.f === 'remove')!;
    const report = history.find((r) => (r.type === 'ok' || r.type === 'fail') && r.client === deploy.client)!;
    expect(report).toMatchObject({ type: 'fail', error: 'removed before it completed' });
    expect(report.t - removal.t).toBeLessThan(config.scenario.deadlines.deployMs / 10);
    expect(violations).toEqual([]);
  });
});

describe('a deploy removed while its client was not watching', () => {
  it("fails once a new watcher's snapshot lacks the application and the status confirms it, not at its deadline", () => {
    // client-0's deploy is accepted; its connection drops and client-1 removes the application
    // before client-0 watches again: the new watcher's snapshot carries no `remove`, only absence.
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);
    const plan = [
      { kind: 'bootstrap' } as const,
      { kind: 'wait', durationMs: 120_000 } as const, // the implicit upgrade is over
      { kind: 'deploy', client: 0, app: 'mysql', units: 3 } as const,
      { kind: 'wait', durationMs: 3_000 } as const, // accepted, its units not active yet
      { kind: 'disconnect', client: 0 } as const,
      { kind: 'remove', client: 1, app: 'mysql' } as const,
    ];
    const { history, violations } = runSim(config, plan, 3);
    const deploy = history.find((r) => r.type === 'invoke' && r.f === 'deploy')!;
    const removed = history.find((r) => r.type === 'ok' && r.client === 'client-1')!;
    const report = history.find((r) => (r.type === 'ok' || r.type === 'fail') && r.client === deploy.client)!;
    expect(report).toMatchObject({ type: 'fail', error: 'removed before it completed' });
    const asked = history.filter((r) => r.type === 'call' && r.client === 'client-0' && r.method === 'FullStatus');
    expect(asked.map((r) => r.t >= removed.t && r.t <= report.t)).toEqual([true]);
    expect(report.t - removed.t).toBeLessThan(config.scenario.deadlines.deployMs / 10);
    expect(violations).toEqual([]);
  });
});
