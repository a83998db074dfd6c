/**
 * The fair baseline: the same controller tested the way a fast-check user would test it without
 * upgrade-chaos. Idiomatic model-based testing: the controller is bootstrapped in fc.modelRun's
 * setup (a user tests a running controller), then one fc.Command per other event kind the scenario
 * uses, each drawn from the same parameter ranges as our plans, combined with uniform weights by
 * fc.commands with fast-check's defaults (size, command count, its commands shrinker), run by
 * fc.modelRun against a sim world (openSim: the same controller model, clients and World
 * actions), then the run's quiescence and the property. Nothing of ours is used: no weights,
 * strategies, plan shrinker or tuning.
 */
import fc from 'fast-check';
import { eventArbitraries } from '../../harness/arbitraries.ts';
import { describeEvent, type PlanEvent } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { openSim, type SimSession } from '../../harness/targets/sim/simulate.ts';
import { applyEvent } from '../../harness/targets/world.ts';
import { checkProperties, type PropertyName } from '../../properties/index.ts';

/** What the commands keep track of, as a user's model would. */
interface Model {
  apps: Set<string>;
}

/** The system under test: a sim run, and the events actually played on it. */
interface Real {
  sim: SimSession;
  played: PlanEvent[];
}

class EventCommand implements fc.Command<Model, Real> {
  constructor(readonly event: PlanEvent) {}

  check(model: Readonly<Model>): boolean {
    // Deploying a name twice is a usage error, not a race: a user's precondition rules it out.
    if (this.event.kind === 'deploy') return !model.apps.has(this.event.app);
    return true;
  }

  run(model: Model, real: Real): void {
    const e = this.event;
    if (e.kind === 'deploy') model.apps.add(e.app);
    if (e.kind === 'wait') real.sim.clock.runUntil(real.sim.clock.now() + e.durationMs);
    else void applyEvent(real.sim.world, e);
    real.played.push(e);
  }

  toString(): string {
    return describeEvent(this.event);
  }
}

/** One command arbitrary per event kind the scenario uses (bootstrap is the setup's), with equal
 *  weights (fc.commands' oneof). */
export function commandArbitraries(config: RunConfig): fc.Arbitrary<fc.Command<Model, Real>>[] {
  const arbs = eventArbitraries(config.scenario);
  const kinds = (Object.keys(arbs) as (keyof typeof arbs)[]).filter((k) => (config.scenario.weights[k] ?? 0) > 0);
  return kinds.map((k) => (arbs[k] as fc.Arbitrary<PlanEvent>).map((e) => new EventCommand(e)));
}

/** fc.modelRun's setup: a fresh sim run with its controller bootstrapped. */
function bootstrapped(sim: SimSession): { model: Model; real: Real } {
  void applyEvent(sim.world, { kind: 'bootstrap' });
  return { model: { apps: new Set<string>() }, real: { sim, played: [{ kind: 'bootstrap' }] } };
}

/**
 * The property a user would write for one of our invariants. `observe` sees every run: the
 * events played and whether the property held.
 */
export function baselineProperty(
  config: RunConfig,
  property: PropertyName,
  observe: (played: readonly PlanEvent[], held: boolean) => void,
): fc.IPropertyWithHooks<[Iterable<fc.Command<Model, Real>>, number]> {
  const only: RunConfig = { ...config, properties: [property] };
  return fc.property(fc.commands(commandArbitraries(config)), fc.nat(), (commands, simSeed) => {
    const setup = bootstrapped(openSim(only, simSeed));
    const real = setup.real;
    fc.modelRun(() => setup, commands);
    const held = checkProperties(real.sim.finish(), [property]).length === 0;
    observe(real.played, held);
    return held;
  });
}
