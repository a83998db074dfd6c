/**
 * Input-to-state mutants (harness/strategies/input-to-state.ts): an inserted event lands at the
 * time asked and every other event keeps its time; a run's causes are read from its history with
 * the moment their effect settled; doing one again lands it at that moment, an upgrade asking for
 * the version after the one running then, with the publish it needs; an upgrade request with no
 * newer version left is not done again.
 */
import { describe, expect, it } from 'vitest';
import { again, insertAt, observe, repeatable, successor } from '../../harness/strategies/input-to-state.ts';
import { timeline, type Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { seededRng } from '../../harness/rng.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);
const times = (plan: Plan) => timeline(plan).map(({ at, event }) => `${at} ${event.kind}`);

describe('insertAt', () => {
  const plan: Plan = [
    { kind: 'bootstrap' },
    { kind: 'wait', durationMs: 1_000 },
    { kind: 'restart' },
    { kind: 'wait', durationMs: 500 },
  ];

  it('splits the wait that spans the time and keeps every other event at its time', () => {
    expect(times(insertAt(plan, 400, [{ kind: 'disconnect', client: 1 }]))).toEqual([
      '0 bootstrap',
      '0 wait',
      '400 disconnect',
      '400 wait',
      '1000 restart',
      '1000 wait',
    ]);
  });

  it('waits until the time past the plan end, and adds nothing at an event boundary', () => {
    expect(times(insertAt(plan, 2_000, [{ kind: 'restart' }])).slice(-2)).toEqual(['1500 wait', '2000 restart']);
    expect(insertAt(plan, 1_000, [{ kind: 'restart' }])).toHaveLength(plan.length + 1);
  });
});

describe('observe and again', () => {
  // 1.24 bootstraps 1.24.0 and upgrades itself to 1.24.2; a restart during that upgrade, then a
  // chained upgrade to 1.24.3 once it ended.
  const plan: Plan = [
    { kind: 'bootstrap' },
    { kind: 'wait', durationMs: 2_000 },
    { kind: 'restart' },
    { kind: 'chained-upgrade', version: '1.24.3' },
    { kind: 'wait', durationMs: 1_000 },
  ];
  const history = runSim(config, plan, 1).history;
  const obs = observe(history, config.scenario.versions);
  const at = (type: string, after: number) => history.find((r) => r.type === type && r.t > after)!.t;

  it('reads each cause with the moment its effect settled', () => {
    const restart = obs.causes.find((c) => c.index === 2)!;
    expect(restart).toEqual({ index: 2, t: 2_000, settled: at('agent-up', 2_000), effect: 'restart' });
    const upgrade = obs.causes.find((c) => c.index === 3)!;
    expect(upgrade.settled).toBe(at('upgrade-end', upgrade.t));
    expect(obs.dictionary).toEqual(['1.24.0', '1.24.2', '1.24.3', '1.25.0']);
    expect(successor(obs, '1.24.3')).toBe('1.25.0');
  });

  it('does a restart again the moment the agent is back up', () => {
    const restart = obs.causes.find((c) => c.index === 2)!;
    const done = again(plan, obs, seededRng(1), restart)!;
    expect(done.events).toEqual([{ kind: 'restart' }]);
    expect(times(done.plan)).toContain(`${restart.settled! + 1} restart`);
  });

  it('asks again once the upgrade ended, for the version after the one running, published first', () => {
    const upgrade = obs.causes.find((c) => c.index === 3)!;
    const done = again(plan, obs, seededRng(1), upgrade)!;
    expect(done.events).toEqual([{ kind: 'chained-upgrade', version: '1.25.0' }]);
    const rerun = runSim(config, done.plan, 1).history;
    expect(rerun.filter((r) => r.type === 'upgrade-end').map((r) => (r as { version: string }).version)).toEqual([
      '1.24.2',
      '1.24.3',
      '1.25.0',
    ]);
    const asUpgrade = again([...plan.slice(0, 3), { kind: 'upgrade' }, ...plan.slice(4)], obs, seededRng(1), upgrade);
    expect(asUpgrade!.events).toEqual([
      { kind: 'publish', version: '1.25.0' },
      { kind: 'upgrade', version: '1.25.0' },
    ]);
  });

  it("counts the controller's own upgrade after bootstrap as the bootstrap's request, asked again as an upgrade", () => {
    const implicit = obs.causes.find((c) => c.index === 0)!;
    expect(implicit).toMatchObject({ effect: 'upgrade', settled: at('upgrade-end', 0) });
    const done = again(plan, obs, seededRng(1), implicit)!;
    expect(done.events).toEqual([
      { kind: 'publish', version: '1.24.3' },
      { kind: 'upgrade', version: '1.24.3' },
    ]);
  });

  it('does not repeat an upgrade request once the newest version the run knows is running', () => {
    const upgrade = obs.causes.find((c) => c.index === 3)!;
    expect(repeatable(obs, upgrade)).toBe(true);
    const toNewest: Plan = [...plan.slice(0, 3), { kind: 'chained-upgrade', version: '1.25.0' }, ...plan.slice(4)];
    const newest = observe(runSim(config, toNewest, 1).history, config.scenario.versions);
    const deadEnd = newest.causes.find((c) => c.index === 3)!;
    expect(deadEnd.settled).toBeDefined();
    expect(repeatable(newest, deadEnd)).toBe(false);
    const restart = newest.causes.find((c) => c.index === 2)!;
    expect(repeatable(newest, restart)).toBe(true);
    // Drawn at random, a cause is one that can be repeated: the restart or the implicit upgrade.
    for (let seed = 0; seed < 20; seed++)
      expect(again(toNewest, newest, seededRng(seed))!.events).not.toContainEqual({
        kind: 'chained-upgrade',
        version: '1.25.0',
      });
  });
});
