/**
 * The shrunk juju-1.24-gated-api plans of links gone half-open at login (test/faults/half-open-login.test.ts
 * tells their story); the sim verdict pin judges them too, so that the silent-link rule stays pinned.
 */
import type { Plan } from '../../harness/plan.ts';

/** What seed 7's run 2673 shrank to: client-1's login goes half-open after a partition grew its backoff. */
export const SEED_7_RUN_2673: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 12_739 },
  { kind: 'half-open', client: 1, on: 'login' },
  { kind: 'wait', durationMs: 15_716 },
  { kind: 'partition', client: 1, durationMs: 13_768 },
  { kind: 'disconnect', client: 1 },
];
export const SEED_7_SIM_SEED = 1734808294;

/** What seed 1's run 8638 shrank to: client-0 loses its watcher to a restart, then its next two
 *  logins go half-open; it watches again 36 s later, 20 s of it spent on its two login timeouts. */
export const SEED_1_RUN_8638: Plan = [
  { kind: 'bootstrap' },
  { kind: 'restart', when: { client: 1, on: 'deploy-answered' } },
  { kind: 'wait', durationMs: 19_824 },
  { kind: 'half-open', client: 0, on: 'login' },
  { kind: 'half-open', client: 0, on: 'login' },
  { kind: 'deploy', client: 1, app: 'postgresql', units: 1 },
];
export const SEED_1_SIM_SEED = 1207681191;
