/**
 * Each occurrence of a client's API moment fires one tied fault (controller/activity-triggers.ts):
 * a disconnect and a half-open both tied to client-0's Next in flight fire at two of its Nexts, so
 * the half-open lands on the connection the client opened after the disconnect. Fired together,
 * the disconnect closed the connection first and the half-open had nothing to act on.
 */
import { describe, expect, it } from 'vitest';
import { ActivityTriggers } from '../../harness/controller/activity-triggers.ts';
import { recordsOf } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const config = resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!, { client: 'reconnecting' });

const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'disconnect', client: 0, on: 'watch-next' },
  { kind: 'half-open', client: 0, on: 'watch-next' },
  { kind: 'wait', durationMs: 30_000 },
];

describe('one tied fault per occurrence of a moment', () => {
  it('a disconnect and a half-open tied to the same Next land on two connections (sim)', () => {
    const { history, violations } = runSim(config, PLAN, 1);
    const events = recordsOf(history, 'event').filter((e) => e.index === 2 || e.index === 3);
    expect(events.map((e) => [e.event.kind, e.applied])).toEqual([
      ['disconnect', true],
      ['half-open', true],
    ]);
    const faulted = recordsOf(history, 'conn-close').filter((r) => r.client === 'client-0' && r.reason === 'fault');
    expect(faulted).toHaveLength(2);
    expect(faulted[1]!.conn).toBeGreaterThan(faulted[0]!.conn);
    expect(violations).toEqual([]);
  });

  it('fires the earliest armed trigger of a moment, the next one at its next occurrence', () => {
    const fired: string[] = [];
    const triggers = new ActivityTriggers({
      nextInFlight: () => false,
      upgradeIdle: () => true,
      watcherLost: () => false,
      watcherLosses: () => 0,
    });
    triggers.arm('client-0', 'watch-next', () => fired.push('first'));
    triggers.arm('client-1', 'watch-next', () => fired.push('other client'));
    triggers.arm('client-0', 'watch-next', () => fired.push('second'));
    triggers.nextWaiting('client-0');
    expect(fired).toEqual(['first']);
    triggers.nextWaiting('client-0');
    expect(fired).toEqual(['first', 'second']);
    expect(triggers.pending).toBe(1);
  });
});
