/**
 * swarm: swarm testing (Groce et al., ISSTA 2012). Each case first draws its own configuration:
 * every event kind the scenario allows is switched on with probability 1/2 and given a weight from
 * 1 to 10; then the plan is drawn with those weights. Plans that leave some kinds out reach states
 * that the full mix crowds out (a naive client killed by an early disconnect never meets a long
 * partition; a plan without publishes keeps the implicit upgrade's target fixed).
 *
 * Shrinking works on the plan alone (plan-shrinker.ts), exactly as for a random case; the
 * configuration only shaped what was drawn. A case is replayed by seed and path like any other.
 */
import fc from 'fast-check';
import { planArbitrary } from '../arbitraries.ts';
import type { Scenario } from '../scenario.ts';
import { withPlanShrinker } from './plan-shrinker.ts';
import { withSimSeed, type Strategy } from './strategy.ts';

type Weights = Scenario['weights'];
type WeightedKind = keyof Weights;

const MAX_WEIGHT = 10;

/** A random sub-mix of the kinds `weights` allows; an empty draw falls back to the whole mix. */
export function swarmWeights(weights: Weights): fc.Arbitrary<Weights> {
  const kinds = (Object.keys(weights) as WeightedKind[]).filter((k) => (weights[k] ?? 0) > 0);
  const draws = kinds.map((kind) =>
    fc.option(fc.integer({ min: 1, max: MAX_WEIGHT }), { nil: undefined, freq: 2 }).map((w) => [kind, w] as const),
  );
  return fc.tuple(...draws).map((picked) => {
    const chosen: Weights = {};
    for (const [kind, w] of picked) if (w !== undefined) chosen[kind] = w;
    return Object.keys(chosen).length > 0 ? chosen : weights;
  });
}

export const swarmStrategy: Strategy = {
  name: 'swarm',
  summary: 'each case draws its own subset of event kinds and weights (swarm testing)',
  cases: (config, options) => {
    const base = options.weights ?? config.scenario.weights;
    const plans = swarmWeights(base).chain((weights) => planArbitrary(config.scenario, { ...options, weights }));
    return { arbitrary: withSimSeed(withPlanShrinker(plans)) };
  },
};
