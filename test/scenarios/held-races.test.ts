/** The held races (scenarios/held-races.ts) hold today, and each run has the race it claims: a removal and
 *  the deploy it takes back both in flight at once, or a crash while a unit's hook runs. */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { HELD_RACES, type HeldRace } from '../../scenarios/held-races.ts';
import { scenarioByName } from '../../scenarios/index.ts';

describe('held races', () => {
  it.each(HELD_RACES.map((r) => [`${r.scenario} × ${r.property}`, r] as const))('%s holds', (_name, race) => {
    const config = resolveRun(scenarioByName(race.scenario)!, { properties: [race.property] });
    const run = runSim(config, race.plan, race.simSeed);
    expect(run.violations).toEqual([]);
    expect(RACED[race.race](run.history)).toBe(true);
  });
});

/** Some removal was asked while a deploy of its app by the same client was unanswered. */
function removalDuringDeploy(history: History): boolean {
  const reported = (client: string, op: number) =>
    history.find((r) => (r.type === 'ok' || r.type === 'fail') && r.client === client && r.op === op)?.t ?? Infinity;
  const invokes = history.filter((r) => r.type === 'invoke');
  return invokes.some(
    (rm) =>
      rm.f === 'remove' &&
      invokes.some(
        (d) =>
          d.f === 'deploy' &&
          d.client === rm.client &&
          d.value.app === rm.value.app &&
          d.t <= rm.t &&
          reported(d.client, d.op) > rm.t,
      ),
  );
}

/** The controller was killed while some unit's hook had started and not ended. */
function crashDuringHook(history: History): boolean {
  const running = new Set<string>();
  for (const r of history) {
    if (r.type === 'hook-start') running.add(r.unit);
    else if (r.type === 'hook-end') running.delete(r.unit);
    else if (r.type === 'fault-start' && r.fault === 'crash' && running.size > 0) return true;
  }
  return false;
}

const RACED: Record<HeldRace['race'], (history: History) => boolean> = {
  'removal-during-deploy': removalDuringDeploy,
  'crash-during-hook': crashDuringHook,
};
