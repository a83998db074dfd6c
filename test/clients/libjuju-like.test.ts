/**
 * The libjuju-like profile behaves as the real python-libjuju 3.5.2 was seen to (README,
 * python-libjuju): after a dropped connection it reconnects but never watches again (its watcher
 * loop stops for good), and a dial the controller refuses is never dialled again: it gives up 60 s
 * later (its "retries" await the same failed dial). Sim runs on a controller that does not upgrade
 * itself, so the only drops are the plan's.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { REFUSED_DIAL_GIVE_UP_MS } from '../../harness/clients/scripted-client.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const config = resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!, { client: 'libjuju-like' });

const ofClient0 = (h: History, type: string): History =>
  h.filter((r) => r.type === type && 'client' in r && r.client === 'client-0');

describe('libjuju-like, the sim model of python-libjuju 3.5.2', () => {
  it('reconnects after a network reset but starts no second watcher', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 5_000 },
      { kind: 'disconnect', client: 0 },
      { kind: 'wait', durationMs: 30_000 },
    ];
    const h = simulate(config, plan, 1);
    expect(ofClient0(h, 'conn-open').length).toBeGreaterThanOrEqual(2); // it did reconnect
    expect(ofClient0(h, 'watcher-start')).toHaveLength(1); // and never watched again
  });

  it('gives up 60 s after a dial refused while the agent restarts, without dialling again', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 5_000 },
      { kind: 'restart' },
      { kind: 'wait', durationMs: 90_000 },
    ];
    const h = simulate(config, plan, 1);
    const up = h.find((r) => r.type === 'agent-up' && r.t > 5_000);
    const refused = ofClient0(h, 'conn-refused');
    expect(up).toBeDefined();
    expect(refused).toHaveLength(1); // the one redial, while the agent was down
    expect(ofClient0(h, 'conn-open').filter((r) => r.t > refused[0]!.t)).toEqual([]);
    const failed = ofClient0(h, 'fail');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.t - refused[0]!.t).toBe(REFUSED_DIAL_GIVE_UP_MS);
  });
});
