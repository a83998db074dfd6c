/**
 * The scripted client reports what the controller tells it, when it tells it: a deploy whose unit
 * the watcher shows in error fails at once with that reason, not at its deadline (properties judge
 * the verdict, which a late "deadline exceeded" leaves the same; the user's command hangs for ten
 * minutes). Part of `npm run mutation`'s kill criteria (vitest.mutation.config.ts).
 */
import { describe, expect, it } from 'vitest';
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import { explore } from '../../harness/explore.ts';
import { recordsOf } from '../../harness/history.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import type { Plan } from '../../harness/plan.ts';

describe('the reconnecting client', () => {
  it('fails a deploy whose unit stays in error past its grace (Juju 1.22 never retries the interrupted hook), with the reason, well before its deadline', () => {
    // Deployed before bootstrap: the implicit upgrade's restart interrupts its hooks, and 1.22 leaves the unit in error.
    const config = resolveRun(scenarioByName('juju-1.22-reconnecting-client')!);
    const plan = [{ kind: 'deploy', client: 1, app: 'postgresql', units: 2 } as const, { kind: 'bootstrap' } as const];
    const { history } = runSim(config, plan, 14);
    const invoke = history.find((r) => r.type === 'invoke')!;
    const report = history.find((r) => (r.type === 'ok' || r.type === 'fail') && r.op === invoke.op)!;
    expect(report).toMatchObject({ type: 'fail', error: 'a unit of postgresql is in error' });
    const inError = history.findIndex((r) => r.type === 'hook-end' && r.result === 'interrupted');
    expect(inError).toBeGreaterThan(-1);
    // Juju 1.24+ retries a failed hook after 5 s, 10 s, 20 s...: the client waits two minutes, not its ten-minute deadline.
    expect(report.t - history[inError]!.t).toBeGreaterThanOrEqual(120_000);
    expect(report.t - history[inError]!.t).toBeLessThan(180_000);
  });
});

/** After the implicit upgrade, `client` deploys mysql -n 3: accepted, its units not active yet. */
const deployAccepted = (client: number): Plan => [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 120_000 },
  { kind: 'deploy', client, app: 'mysql', units: 3 },
  { kind: 'wait', durationMs: 3_000 },
];

describe("a deploy another client's removal took back", () => {
  it('fails as soon as its watcher shows the application removed, not at its deadline, and the properties hold', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);
    const plan: Plan = [...deployAccepted(1), { kind: 'remove', client: 0, app: 'mysql' } as const];
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
    const plan: Plan = [
      ...deployAccepted(0),
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

describe('a client that reports a deploy done once the controller accepts it (the sim twin of examples/clients/exits-when-accepted.mjs)', () => {
  /** Fix 1's reconnecting script but for one bug: accepted is taken for deployed. */
  const doneWhenAccepted = scriptedProfile('done-when-accepted', 'planted bug', {
    ...RECONNECTING,
    doneWhenAccepted: true,
  });
  const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
  /** lp:1455260's story: a deploy right after bootstrap meets the implicit upgrade, and is retried until accepted. */
  const plan = [
    { kind: 'bootstrap' } as const,
    { kind: 'deploy', client: 0, app: 'mysql', units: 2 } as const,
    { kind: 'wait', durationMs: 60_000 } as const,
  ];

  it('is caught by deployments-complete: its ok came before the controller had the units active, though they were at quiescence', () => {
    const { history, violations } = runSim({ ...gated, client: doneWhenAccepted }, plan, 1);
    expect(violations.map((v) => v.property)).toEqual(['deployments-complete']);
    expect(violations[0]!.message).toMatch(
      /^deploy mysql -n 2 \(client-0 op 1\): client reported done at t=.*, before the controller had 2 units of mysql active .*: at the report it held mysql\/0 (waiting|maintenance), mysql\/1 (waiting|maintenance); they were all active only at t=/,
    );
    expect(recordsOf(history, 'final-model')[0]!.model.applications['mysql']!.units).toEqual({
      'mysql/0': 'active',
      'mysql/1': 'active',
    });
  });

  it('the same plan holds with the client that waits for its watcher to show the units active', () => {
    expect(runSim(gated, plan, 1).violations).toEqual([]);
  });

  it("is found at the exploration's first runs and shrunk to bootstrap and the deploy", () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, { properties: ['deployments-complete'] });
    const result = explore({ ...config, client: doneWhenAccepted }, { runs: 50, seed: 1 });
    expect(result.properties[0]).toMatchObject({ property: 'deployments-complete', verdict: 'violated' });
    expect(result.properties[0]!.firstFailureRun).toBeLessThanOrEqual(5);
    // A bootstrap and a deploy, in either order (a deploy asked first waits for the controller): nothing else is needed.
    const kinds = result.failures[0]!.plan.map((e) => e.kind).filter((k) => k !== 'wait');
    expect(kinds.sort()).toEqual(['bootstrap', 'deploy']);
    // The client that waits for active units holds on the same cases.
    expect(explore(config, { runs: 50, seed: 1 }).failures).toEqual([]);
  });
});
