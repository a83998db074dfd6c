/**
 * `stop-watcher`: the controller stops a client's watchers while its connection stays up (the
 * multiwatcher behind them died), answering the Next "watcher was stopped" (code `stopped`). The
 * reconnecting client calls WatchAll again on the same connection; a client that gives up on the
 * stopped watcher (planted: giveUpStoppedWatcher, as examples/clients/stopped-done.mjs) keeps a
 * stale view, which watchers-resume catches, and the gated scenario's generated plans find it.
 */
import { describe, expect, it } from 'vitest';
import { RECONNECTING, scriptedProfile } from '../../harness/clients/profiles.ts';
import { explore } from '../../harness/explore.ts';
import { recordsOf, WATCHER_STOPPED_ERROR, type History } from '../../harness/history.ts';
import { describeEvent, type Plan } from '../../harness/plan.ts';
import { resolveRun, type RunConfig } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
const givesUp = scriptedProfile('gives-up-stopped', 'planted bug', { ...RECONNECTING, giveUpStoppedWatcher: true });
const planted = (config: RunConfig): RunConfig => ({ ...config, client: givesUp });

/** client-0 deploys; its watcher is stopped by the controller the moment its Next is in flight. */
const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 120_000 },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'stop-watcher', client: 0, on: 'watch-next' },
  { kind: 'wait', durationMs: 5_000 },
];

const mine = <T extends { client: string }>(records: T[]): T[] => records.filter((r) => r.client === 'client-0');
const stopsOf = (h: History) => mine(recordsOf(h, 'watcher-stop')).filter((r) => r.reason === 'controller');

describe('stop-watcher', () => {
  it('stops the watcher with the connection up; the reconnecting client watches again on it and holds', () => {
    const { history, violations } = runSim(gated, PLAN, 1);
    expect(recordsOf(history, 'event').find((e) => e.event.kind === 'stop-watcher')).toMatchObject({ applied: true });
    const [stop] = stopsOf(history);
    expect(stop).toBeDefined();
    expect(mine(recordsOf(history, 'return')).some((r) => r.error === WATCHER_STOPPED_ERROR)).toBe(true);
    const after = mine(recordsOf(history, 'watcher-start')).filter((r) => r.t >= stop!.t);
    expect(after).toMatchObject([{ conn: stop!.conn }]);
    expect(mine(recordsOf(history, 'conn-close')).filter((r) => r.conn === stop!.conn)).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('a client that gives up on the stopped watcher keeps a stale view: watchers-resume catches it', () => {
    const { history, violations } = runSim(planted(gated), PLAN, 1);
    expect(stopsOf(history)).toHaveLength(1);
    // Its deploy never shows done either (deployments-complete); the view is watchers-resume's.
    const resume = violations.filter((v) => v.property === 'watchers-resume').map((v) => v.message);
    expect(resume).toHaveLength(1);
    expect(resume[0]).toMatch(/client-0's view \(not watching\) differs from the final model: .*mysql/);
  });

  it('is not applied when the client has no live watcher (before bootstrap)', () => {
    const plan: Plan = [
      { kind: 'stop-watcher', client: 0 },
      { kind: 'bootstrap' },
      { kind: 'wait', durationMs: 5_000 },
    ];
    const { history } = runSim(gated, plan, 1);
    expect(recordsOf(history, 'event')[0]).toMatchObject({ applied: false });
    expect(stopsOf(history)).toEqual([]);
  });

  it('prints what it does and when', () => {
    expect(describeEvent({ kind: 'stop-watcher', client: 1, on: 'watch-next' })).toBe(
      "stop client-1's watchers when client-1 next has an AllWatcher.Next in flight (the controller's multiwatcher died; the connection stays up)",
    );
  });

  it('the gated scenario draws it: its generated plans catch the planted client; the real one holds', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, { properties: ['watchers-resume'] });
    const found = explore(planted(config), { runs: 300, seed: 1 }).failures;
    expect(found.map((f) => f.property)).toEqual(['watchers-resume']);
    expect(found[0]!.plan.some((e) => e.kind === 'stop-watcher')).toBe(true);
    expect(explore(config, { runs: 300, seed: 1 }).failures).toEqual([]);
  });
});
