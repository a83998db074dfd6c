/**
 * The minimal known counterexample of every property a scenario expects violated: it must still
 * violate the property, and every event in it must be needed (drop any one but the bootstrap,
 * which every plan has exactly once, and the property holds under the same sim seed).
 */
import { describe, expect, it } from 'vitest';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { formatPlan } from '../../harness/plan.ts';
import { MINIMAL_COUNTEREXAMPLES } from '../../scenarios/minimal-counterexamples.ts';
import { SIM_SCENARIOS, scenarioByName } from '../../scenarios/index.ts';

describe('minimal known counterexamples', () => {
  it('cover every property every scenario expects violated', () => {
    const expected = SIM_SCENARIOS.flatMap((s) =>
      Object.entries(s.expect)
        .filter(([, v]) => v === 'violated')
        .map(([p]) => `${s.name} ${p}`),
    );
    // A scenario may pin a violation its sampled corpus reaches too rarely to claim
    // (juju-1.24-libjuju's watchers-resume), but never one it expects to hold.
    const claimed = MINIMAL_COUNTEREXAMPLES.filter((c) => scenarioByName(c.scenario)!.expect[c.property] !== undefined);
    expect(claimed.map((c) => `${c.scenario} ${c.property}`).sort()).toEqual(expected.sort());
    expect(MINIMAL_COUNTEREXAMPLES.filter((c) => scenarioByName(c.scenario)!.expect[c.property] === 'held')).toEqual(
      [],
    );
  });

  it.each(MINIMAL_COUNTEREXAMPLES.map((c) => [`${c.scenario} × ${c.property} (${c.plan.length} events)`, c] as const))(
    '%s: violated, and every event is needed',
    (_name, c) => {
      const config = resolveRun(scenarioByName(c.scenario)!, { properties: [c.property] });
      const run = runSim(config, c.plan, c.simSeed);
      expect(
        run.violations.map((v) => v.property),
        `${c.why}\n${formatPlan(c.plan)}`,
      ).toContain(c.property);
      c.plan.forEach((event, i) => {
        if (event.kind === 'bootstrap') return;
        const smaller = c.plan.filter((_, j) => j !== i);
        expect(
          runSim(config, smaller, c.simSeed).violations,
          `without event ${i + 1}:\n${formatPlan(smaller)}`,
        ).toEqual([]);
      });
    },
  );
});
