/**
 * The events that reach the rest of the model: `remove` (Application.DestroyApplication, `remove`
 * deltas, clients that reconcile their view), `rewatch` (AllWatcher.Stop, then WatchAll again) and
 * `chained-upgrade` (publish and upgrade once the current upgrade is over).
 */
import { describe, expect, it } from 'vitest';
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import { explore } from '../../harness/explore.ts';
import { recordsOf, type History, type RecordOf } from '../../harness/history.ts';
import { describeEvent, type Plan } from '../../harness/plan.ts';
import { resolveRun, type RunConfig } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const inform = resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!);
const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
/** A planted client bug: its view drops `remove` deltas, so removed applications stay as ghosts. */
const ignoresRemovals = scriptedProfile('ignores-removals', 'planted bug', { ...RECONNECTING, ignoreRemovals: true });
const planted = (config: RunConfig): RunConfig => ({ ...config, client: ignoresRemovals });

/** A client's ok or fail records. */
const reports = (history: History, type: 'ok' | 'fail'): RecordOf<'ok' | 'fail' | 'info'>[] =>
  history.filter((r): r is RecordOf<'ok' | 'fail' | 'info'> => r.type === type);

const deployThenRemove: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 60_000 },
  { kind: 'remove', client: 1, app: 'mysql' },
  { kind: 'wait', durationMs: 5_000 },
];

describe('remove', () => {
  it('destroys the application on the controller, and both clients see it go', () => {
    const { history, violations } = runSim(inform, deployThenRemove, 1);
    const destroy = recordsOf(history, 'request').filter((r) => r.method === 'DestroyApplication');
    expect(destroy).toMatchObject([{ facade: 'Application', accepted: true, apps: ['mysql'], client: 'client-1' }]);
    expect(reports(history, 'ok').map((r) => r.f)).toEqual(['deploy', 'remove']);
    expect(recordsOf(history, 'final-model')[0]!.model.applications).toEqual({});
    for (const v of recordsOf(history, 'client-view')) expect(v.view.applications).toEqual({});
    expect(violations).toEqual([]);
  });

  it('of an application that does not exist fails, unless the client counts "not found" as done', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 5_000 },
      { kind: 'remove', client: 0, app: 'x' },
    ];
    expect(reports(runSim(inform, plan, 1).history, 'ok')).toMatchObject([{ f: 'remove' }]);
    const naive = resolveRun(scenarioByName('juju-1.24-gated-api-naive-client')!, { controller: 'juju-1.25-inform' });
    expect(reports(runSim(naive, plan, 1).history, 'fail')).toMatchObject([
      { f: 'remove', error: 'application "x" not found' },
    ]);
  });

  it('is refused by the gated API during an upgrade and retried by the reconnecting client', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 60_000 },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 30_000 },
      { kind: 'publish', version: '1.24.3' },
      { kind: 'upgrade' },
      { kind: 'remove', client: 0, app: 'mysql' },
    ];
    const { history, violations } = runSim(gated, plan, 2);
    const destroys = recordsOf(history, 'request').filter((r) => r.method === 'DestroyApplication');
    expect(destroys[0]).toMatchObject({ accepted: false, error: expect.stringMatching(/upgrade in progress/) });
    expect(destroys.at(-1)).toMatchObject({ accepted: true, apps: ['mysql'] });
    expect(violations).toEqual([]);
  });

  it('makes ghosts observable: a client that ignores removals is caught by watchers-resume', () => {
    const { violations } = runSim(planted(inform), deployThenRemove, 1);
    expect(violations.map((v) => v.property)).toEqual(['watchers-resume', 'watchers-resume']);
    expect(violations[0]!.message).toMatch(/ghost: app mysql/);
  });

  it.each(['juju-1.24-gated-api', 'juju-1.25-no-implicit-upgrade'])(
    'on %s the generated plans catch the planted client; the real one holds',
    (name) => {
      const config = resolveRun(scenarioByName(name)!, { properties: ['watchers-resume'] });
      expect(explore(planted(config), { runs: 300, seed: 1 }).failures.map((f) => f.property)).toEqual([
        'watchers-resume',
      ]);
      expect(explore(config, { runs: 300, seed: 1 }).failures).toEqual([]);
    },
  );
});

describe('rewatch', () => {
  it('stops the live watcher (AllWatcher.Stop) and starts another on the same connection', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 10_000 },
      { kind: 'rewatch', client: 0 },
      { kind: 'wait', durationMs: 5_000 },
    ];
    const { history, violations } = runSim(inform, plan, 1);
    const mine = <T extends { client: string }>(records: T[]): T[] => records.filter((r) => r.client === 'client-0');
    const stops = mine(recordsOf(history, 'watcher-stop'));
    const starts = mine(recordsOf(history, 'watcher-start'));
    expect(stops).toMatchObject([{ reason: 'client', watcher: starts[0]!.watcher }]);
    expect(starts).toHaveLength(2);
    expect(starts[1]!.conn).toBe(starts[0]!.conn);
    expect(recordsOf(history, 'event').find((e) => e.event.kind === 'rewatch')).toMatchObject({ applied: true });
    expect(recordsOf(history, 'client-view').find((v) => v.client === 'client-0')).toMatchObject({ watching: true });
    expect(violations).toEqual([]);
  });

  it('waits for a live watcher: asked before bootstrap, it restarts the first watcher once that delivered', () => {
    const plan: Plan = [{ kind: 'rewatch', client: 0 }, { kind: 'bootstrap' }, { kind: 'wait', durationMs: 5_000 }];
    const { history, violations } = runSim(inform, plan, 1);
    expect(recordsOf(history, 'event')[0]).toMatchObject({ applied: true });
    const mine = recordsOf(history, 'watcher-stop').filter((r) => r.client === 'client-0');
    expect(mine).toMatchObject([{ watcher: '1', reason: 'client' }]);
    expect(violations).toEqual([]);
  });

  it('is not applied for a client that gave up for good', () => {
    const naive = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
    const plan: Plan = [{ kind: 'bootstrap' }, { kind: 'wait', durationMs: 60_000 }, { kind: 'rewatch', client: 0 }];
    expect(recordsOf(runSim(naive, plan, 1).history, 'event').at(-1)).toMatchObject({ applied: false });
  });
});

describe('chained-upgrade', () => {
  it('waits for the implicit upgrade to end, then publishes and upgrades again', () => {
    const plan: Plan = [{ kind: 'bootstrap' }, { kind: 'chained-upgrade', version: '1.24.3' }];
    const { history, violations } = runSim(gated, plan, 1);
    expect(recordsOf(history, 'version').map((r) => `${r.from}->${r.to}`)).toEqual([
      '1.24.0->1.24.2',
      '1.24.2->1.24.3',
    ]);
    const firstEnd = recordsOf(history, 'upgrade-end')[0]!.t;
    const explicit = recordsOf(history, 'upgrade-requested').filter((r) => r.explicit);
    expect(explicit).toMatchObject([{ requested: '1.24.3', chosen: '1.24.3' }]);
    expect(explicit[0]!.t).toBeGreaterThanOrEqual(firstEnd);
    expect(recordsOf(history, 'final-model')[0]!.version).toBe('1.24.3');
    expect(violations).toEqual([]);
  });

  it('chains: each waits for the upgrade before it, whatever the timings', () => {
    const config = resolveRun(scenarioByName('juju-1.24-crash-during-upgrade-steps')!);
    let twice = 0;
    for (let seed = 0; seed < 100; seed++) {
      const plan: Plan = [
        { kind: 'bootstrap' },
        { kind: 'chained-upgrade', version: '1.24.3' },
        { kind: 'chained-upgrade', version: '1.25.0' },
      ];
      if (recordsOf(runSim(config, plan, seed).history, 'version').length === 3) twice++;
    }
    expect(twice).toBe(100);
  });
});

describe('the plan prints the new events readably', () => {
  it.each([
    [{ kind: 'remove', client: 1, app: 'mysql-2' }, 'client-1: remove-application mysql-2'],
    [{ kind: 'rewatch', client: 0 }, 'client-0: stop its watcher and watch again'],
    [
      { kind: 'chained-upgrade', version: '1.24.3' },
      'once no upgrade is pending or running: publish 1.24.3, upgrade --agent-version 1.24.3',
    ],
  ] as const)('%j', (event, text) => {
    expect(describeEvent(event)).toBe(text);
  });

  it("a removal tied to a program's login after a lost watcher: the operator's", () => {
    const event = { kind: 'remove', client: 0, app: 'mysql', on: 'login' } as const;
    expect(describeEvent(event, { program: true })).toBe(
      'operator: remove-application old-mysql (theirs, there since bootstrap), while client-0 logs in again after ' +
        'losing its watcher (the first such login with the API open)',
    );
    expect(describeEvent(event)).toBe(
      "client-0: remove-application mysql (tied to its login after a lost watcher: an operator's removal in a program's run only)",
    );
  });

  it("a built-in client's run records a tied removal as not applied (sim)", () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'remove', client: 0, app: 'mysql', on: 'login' },
      { kind: 'wait', durationMs: 5_000 },
    ];
    const config = resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!);
    const removal = recordsOf(runSim(config, plan, 1).history, 'event').find((e) => e.index === 2);
    expect(removal).toMatchObject({ applied: false, note: expect.stringMatching(/only the operator's is/) });
  });
});
