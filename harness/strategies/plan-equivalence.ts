/**
 * Which plans the exhaustive strategy may skip because another plan it runs does the same thing.
 * Two rules, both sound (every skipped plan has a representative that is kept):
 *
 * 1. Commuting neighbours. Two adjacent events commute when swapping them cannot change what the
 *    controller and clients do, only which of two unrelated things is written first: two waits
 *    (time adds up), two publishes, a publish and anything but bootstrap or an upgrade (plain or
 *    chained: the streams are read only there), and events of different clients (deploy, remove,
 *    rewatch, disconnect, partition; but never a removal and a deploy, which share app names). Of
 *    all the orders of such a run of events, only the one sorted by alphabet index is canonical.
 *    Keeping the plans with no adjacent commuting pair out of order keeps the lexicographically
 *    least plan of every equivalence class (otherwise swapping the pair would give a smaller
 *    equivalent one). Swapping two clients' events does change the order in which the sim draws
 *    its random latencies, and which deploy gets the "-2" application name: the runs are the
 *    same up to that renaming and that randomness, which is a nuisance parameter anyway.
 *
 * 2. No-ops before bootstrap. An upgrade, restart or disconnect before the controller exists acts
 *    on nothing, so the plan is the shorter plan without it, which the enumeration (shortest
 *    first) has already run. Deploys, removals, rewatches and partitions before bootstrap do matter
 *    (queued work, a watcher to restart once live, a client cut off from the start), and so do
 *    publishes (what the implicit upgrade will choose) and chained upgrades (they wait for the
 *    controller).
 */
import type { PlanEvent } from '../plan.ts';

const NO_OP_BEFORE_BOOTSTRAP: ReadonlySet<PlanEvent['kind']> = new Set(['upgrade', 'restart', 'disconnect']);

/** Events that read the streams: a publish does not commute with them. */
const READS_STREAMS: ReadonlySet<PlanEvent['kind']> = new Set(['upgrade', 'chained-upgrade']);

function clientOf(e: PlanEvent): number | undefined {
  switch (e.kind) {
    case 'deploy':
    case 'remove':
    case 'rewatch':
    case 'disconnect':
    case 'partition':
      return e.client;
    default:
      return undefined;
  }
}

/** Whether swapping adjacent events a and b cannot change the run (rule 1). */
export function commute(a: PlanEvent, b: PlanEvent): boolean {
  if (a.kind === 'wait' || b.kind === 'wait') return a.kind === 'wait' && b.kind === 'wait';
  if (a.kind === 'bootstrap' || b.kind === 'bootstrap') return false;
  if (a.kind === 'publish' || b.kind === 'publish') return !READS_STREAMS.has(a.kind) && !READS_STREAMS.has(b.kind);
  const ca = clientOf(a);
  const cb = clientOf(b);
  // A removal names an application by the plan's deploys, so it never moves across another client's.
  if ((a.kind === 'remove' || b.kind === 'remove') && (a.kind === 'deploy' || b.kind === 'deploy')) return false;
  return ca !== undefined && cb !== undefined && ca !== cb;
}

/**
 * Whether `plan` is the representative the enumeration keeps. `rank` gives each event its index
 * in the alphabet (bootstrap included, any number).
 */
export function isCanonical(plan: readonly PlanEvent[], rank: (e: PlanEvent) => number): boolean {
  const boot = plan.findIndex((e) => e.kind === 'bootstrap');
  for (let i = 0; i < boot; i++) if (NO_OP_BEFORE_BOOTSTRAP.has(plan[i]!.kind)) return false;
  for (let i = 1; i < plan.length; i++) {
    const a = plan[i - 1]!;
    const b = plan[i]!;
    if (rank(b) < rank(a) && commute(a, b)) return false;
  }
  return true;
}
