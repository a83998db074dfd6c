/**
 * random (the default): each case is a plan drawn event by event with the scenario's weights, as
 * `explore` always drew them: the same seed gives the same cases and finds the same first failure.
 * Shrinking is the plan shrinker's (plan-shrinker.ts), which merges waits and keeps the bootstrap
 * in place, so shrunk plans and the paths that replay them differ from fast-check's own shrinking.
 */
import { planArbitrary } from '../arbitraries.ts';
import { withPlanShrinker } from './plan-shrinker.ts';
import { withSimSeed, type Strategy } from './strategy.ts';

export const randomStrategy: Strategy = {
  name: 'random',
  summary: "events drawn one by one with the scenario's weights",
  cases: (config, options) => ({ arbitrary: withSimSeed(withPlanShrinker(planArbitrary(config.scenario, options))) }),
};
