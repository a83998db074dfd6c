/**
 * Which clients of a live run dial through a fault proxy: only those a timed network fault of the
 * plan names; the others dial the controller directly (their bytes need no copying).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { proxiedClients } from '../../harness/targets/live/run.ts';

const CLIENTS = ['client-0', 'client-1', 'client-2'];

describe('proxiedClients', () => {
  it('proxies the clients a timed disconnect or partition names, not those whose faults are tied to activity', () => {
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'partition', client: 1, durationMs: 5_000 },
      { kind: 'disconnect', client: 0, on: 'watch-next' },
      { kind: 'restart', when: { client: 2, on: 'deploy-answered' } },
      { kind: 'deploy', client: 2, app: 'mysql', units: 1 },
    ];
    expect([...proxiedClients(plan, CLIENTS, false)]).toEqual(['client-1']);
    expect([...proxiedClients([...plan, { kind: 'disconnect', client: 2 }], CLIENTS, false)]).toEqual([
      'client-1',
      'client-2',
    ]);
  });

  it('proxies every client when told to (a client program, TLS, a controller elsewhere)', () => {
    expect([...proxiedClients([{ kind: 'bootstrap' }], CLIENTS, true)]).toEqual(CLIENTS);
  });
});
