/** The held races (scenarios/held-races.ts) hold today, and each is a race: the removal and the
 *  deploy it takes back are both in flight at once. */
import { describe, expect, it } from 'vitest';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { HELD_RACES } from '../../scenarios/held-races.ts';
import { scenarioByName } from '../../scenarios/index.ts';

describe('held races', () => {
  it.each(HELD_RACES.map((r) => [`${r.scenario} × ${r.property}`, r] as const))('%s holds', (_name, race) => {
    const config = resolveRun(scenarioByName(race.scenario)!, { properties: [race.property] });
    const run = runSim(config, race.plan, race.simSeed);
    expect(run.violations).toEqual([]);
    // a race: some removal was asked while a deploy of its app by the same client was unanswered
    const reported = (client: string, op: number) =>
      run.history.find((r) => (r.type === 'ok' || r.type === 'fail') && r.client === client && r.op === op)?.t ??
      Infinity;
    const invokes = run.history.filter((r) => r.type === 'invoke');
    const raced = invokes.some(
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
    expect(raced).toBe(true);
  });
});
