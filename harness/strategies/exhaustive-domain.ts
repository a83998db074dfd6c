/**
 * The finite domain the exhaustive strategy enumerates: the scenario's event kinds with their
 * parameters cut down to a few values that matter to an upgrade. Waits of 2 s, 10 s and 30 s land
 * before the upgrader's download, inside the restart and steps, and after the upgrade (it takes
 * 5 to 35 s); partitions of 5 s and 45 s are shorter and longer than the 30 s deadlines; deploys
 * are of one unit, and removals take back the app deploys create. Every version and client of the
 * scenario is used.
 */
import type { PlanEvent } from '../plan.ts';
import type { Scenario } from '../scenario.ts';

export const EXHAUSTIVE_WAITS_MS: readonly number[] = [2_000, 10_000, 30_000];
export const EXHAUSTIVE_PARTITIONS_MS: readonly number[] = [5_000, 45_000];

/** The letters plans are spelled with (bootstrap excepted), in the enumeration's order. */
export function exhaustiveAlphabet(scenario: Scenario, weights: Scenario['weights'] = scenario.weights): PlanEvent[] {
  const allowed = (kind: keyof Scenario['weights']): boolean => (weights[kind] ?? 0) > 0;
  const clients = Array.from({ length: scenario.clients }, (_, i) => i);
  const letters: PlanEvent[] = [];
  if (allowed('deploy')) for (const client of clients) letters.push({ kind: 'deploy', client, app: 'mysql', units: 1 });
  if (allowed('upgrade')) {
    const uploads = scenario.uploadTools ? [false, true] : [false];
    for (const uploadTools of uploads) {
      for (const version of [undefined, ...scenario.versions]) {
        letters.push({
          kind: 'upgrade',
          ...(version !== undefined ? { version } : {}),
          ...(uploadTools ? { uploadTools } : {}),
        });
      }
    }
  }
  if (allowed('chained-upgrade'))
    for (const version of scenario.versions) letters.push({ kind: 'chained-upgrade', version });
  if (allowed('publish')) for (const version of scenario.versions) letters.push({ kind: 'publish', version });
  if (allowed('remove')) for (const client of clients) letters.push({ kind: 'remove', client, app: 'mysql' });
  if (allowed('rewatch')) for (const client of clients) letters.push({ kind: 'rewatch', client });
  if (allowed('restart')) letters.push({ kind: 'restart' });
  if (allowed('disconnect')) for (const client of clients) letters.push({ kind: 'disconnect', client });
  if (allowed('partition')) {
    for (const client of clients)
      for (const durationMs of EXHAUSTIVE_PARTITIONS_MS) letters.push({ kind: 'partition', client, durationMs });
  }
  if (allowed('wait')) for (const durationMs of EXHAUSTIVE_WAITS_MS) letters.push({ kind: 'wait', durationMs });
  return letters;
}
