/**
 * A client that redials the moment its connection is lost (no backoff) makes a login storm after
 * the controller's agent restarts: every dial is refused while the agent is down, and the next one
 * follows at once. reconnect-backoff catches it on fixed plans on the sim (a restart at the
 * client's Next, and lp:1455260's implicit upgrade after bootstrap), and the reconnecting profile,
 * which backs off from 0.5 s to 8 s, holds every property on the same plans. The process target's
 * run of the same plan with examples/clients/no-backoff.mjs is in test/targets/no-backoff.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { runSim } from '../../harness/runner.ts';
import { configOf } from '../targets/scenario-config.ts';
import { RESTART_AT_NEXT, withNoBackoffClient } from './no-backoff-client.ts';

/** lp:1455260: bootstrap, and the controller upgrades itself to the newest patch at once. */
const IMPLICIT_UPGRADE: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 60_000 },
];

const ofClient0 = (h: readonly HistoryRecord[], type: 'conn-refused' | 'conn-open') =>
  h.filter((r) => r.type === type && r.client === 'client-0').length;

describe('a client that redials at once (sim)', () => {
  for (const [name, scenario, plan] of [
    ['a restart at its Next', 'juju-1.25-no-implicit-upgrade', RESTART_AT_NEXT],
    ['the implicit upgrade after bootstrap', 'juju-1.24-gated-api', IMPLICIT_UPGRADE],
  ] as const) {
    it(`is caught by reconnect-backoff after ${name}; the reconnecting profile holds on the same plan`, () => {
      const config = configOf(scenario);
      const buggy = runSim(withNoBackoffClient(config), plan, 1);
      // Only the storm is wrong: it gets its deployment done, as the reconnecting profile does. The
      // restart drops both clients' connections, and both storm.
      expect(buggy.violations.map((v) => [v.property, v.client])).toEqual([
        ['reconnect-backoff', 'client-0'],
        ['reconnect-backoff', 'client-1'],
      ]);
      expect(buggy.violations[0]?.message).toMatch(/^client-0 tried again 11 times within \d+ms with no connection/);
      expect(ofClient0(buggy.history, 'conn-refused')).toBeGreaterThan(50);

      const robust = runSim(config, plan, 1);
      expect(robust.violations).toEqual([]);
      expect(robust.unknown).toEqual([]);
      // It met the same refusals, and waited between them.
      expect(ofClient0(robust.history, 'conn-refused')).toBeGreaterThan(0);
      expect(ofClient0(robust.history, 'conn-refused')).toBeLessThan(10);
    });
  }
});
