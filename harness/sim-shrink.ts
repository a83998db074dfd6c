/**
 * Shrinking on the sim: fast-check regenerates the exploration's cases from its seed, starts at the
 * first violating one and shrinks it for one property. Used by the sim's exploration and by the real
 * targets' shrink-then-confirm.
 */
import fc from 'fast-check';
import { historyHash } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { runSim } from './runner.ts';
import type { CaseSource } from './strategies/index.ts';
import type { SimFailure } from './explore-result.ts';
import { startAt } from './case-params.ts';
import type { PropertyName } from '../properties/index.ts';

/**
 * Shrinks, on the sim, the `run`-th case of the exploration with `seed` for the one property `only`
 * judges; undefined when the sim does not see that case fail. Shared by the sim's exploration and
 * the real targets' (which confirm the result on the target).
 */
export function shrinkOnSim(
  only: RunConfig,
  source: CaseSource,
  seed: number,
  run: number,
): { plan: Plan; simSeed: number; path: string } | undefined {
  const details = fc.check(
    fc.property(source.arbitrary, ([plan, simSeed]) => runSim(only, plan, simSeed).violations.length === 0),
    startAt(source, seed, run),
  );
  if (!details.failed || !details.counterexample) return undefined;
  const [[plan, simSeed]] = details.counterexample;
  return { plan, simSeed, path: details.counterexamplePath ?? '' };
}

/** Shrinks the first case that violates `property` to a minimal one. */
export function shrinkFailure(
  config: RunConfig,
  source: CaseSource,
  property: PropertyName,
  seed: number,
  found: { run: number; events: number },
): SimFailure {
  const only: RunConfig = { ...config, properties: [property] };
  const start = performance.now();
  const shrunk = shrinkOnSim(only, source, seed, found.run);
  const shrinkMs = Math.round(performance.now() - start);
  if (!shrunk) throw new Error(`could not reproduce the violation of ${property} at run ${found.run} of seed ${seed}`);
  const { plan, simSeed, path } = shrunk;
  const result = runSim(only, plan, simSeed);
  return {
    shrunkOn: 'sim',
    property,
    seed,
    path,
    events: found.events,
    shrunkEvents: plan.length,
    plan,
    simSeed,
    historyHash: historyHash(result.history),
    violations: result.violations,
    history: result.history,
    shrinkMs,
  };
}
