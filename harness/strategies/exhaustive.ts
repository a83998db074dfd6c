/**
 * exhaustive: every distinct plan over a small domain (exhaustive-domain.ts), shortest first, with
 * equivalent orderings pruned (plan-equivalence.ts), up to --max-events (default
 * EXHAUSTIVE_MAX_EVENTS). Because the shortest plans come first, the first failing plan is already
 * minimal in length: there is nothing left to shrink.
 *
 * Replay. An enumeration is not a random draw, so the cases go to fast-check as `examples`, which
 * it runs before any generated value and numbers from 0: the path of the n-th plan is "n", and
 * `replay --strategy exhaustive --seed S --path n` enumerates again up to n. The seed only
 * chooses each case's sim seed (a hash of the seed and the index), so that different seeds try
 * the same plans under different timings.
 */
import fc from 'fast-check';
import type { PlanEvent } from '../plan.ts';
import { withBootstrap } from '../arbitraries.ts';
import type { Scenario } from '../scenario.ts';
import { exhaustiveAlphabet } from './exhaustive-domain.ts';
import { isCanonical } from './plan-equivalence.ts';
import type { Case, Strategy } from './strategy.ts';

export const EXHAUSTIVE_MAX_EVENTS = 5;

/** Distinct plans of the scenario's domain, shortest first, each exactly once (up to equivalence). */
export function* enumeratePlans(
  scenario: Scenario,
  maxEvents: number,
  weights?: Scenario['weights'],
): Generator<PlanEvent[]> {
  const alphabet = exhaustiveAlphabet(scenario, weights);
  const rank = new Map<PlanEvent, number>(alphabet.map((e, i) => [e, i + 1]));
  const bootstrap: PlanEvent = { kind: 'bootstrap' };
  rank.set(bootstrap, 0);
  const rankOf = (e: PlanEvent): number => rank.get(e)!;
  for (let length = 1; length <= maxEvents; length++) {
    const digits = new Array<number>(length - 1).fill(0);
    if (length > 1 && alphabet.length === 0) return;
    for (;;) {
      const body = digits.map((d) => alphabet[d]!);
      for (let at = 0; at < length; at++) {
        const letters = [...body.slice(0, at), bootstrap, ...body.slice(at)];
        if (isCanonical(letters, rankOf)) yield withBootstrap(body, at).map((e) => ({ ...e }));
      }
      // Next body, as an odometer over the alphabet (last digit fastest).
      let i = digits.length - 1;
      while (i >= 0 && digits[i] === alphabet.length - 1) digits[i--] = 0;
      if (i < 0) break;
      digits[i]!++;
    }
  }
}

/** A sim seed for the index-th case of the exploration with `seed` (murmur3's finaliser). */
export function exhaustiveSimSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

export const exhaustiveStrategy: Strategy = {
  name: 'exhaustive',
  summary: `every distinct plan over a small domain, shortest first, equivalent orderings pruned (max ${EXHAUSTIVE_MAX_EVENTS} events unless --max-events)`,
  cases: (config, options) => {
    const maxEvents = Math.max(1, options.maxEvents ?? EXHAUSTIVE_MAX_EVENTS);
    const examples: Case[] = [];
    for (const plan of enumeratePlans(config.scenario, maxEvents, options.weights)) {
      if (examples.length >= options.runs) break;
      examples.push([plan, exhaustiveSimSeed(options.seed, examples.length)]);
    }
    const done = examples.length < options.runs;
    return {
      // Never drawn from: explore runs no more cases than there are examples.
      arbitrary: fc.constantFrom(...(examples.length > 0 ? examples : [[[{ kind: 'bootstrap' }], 0] as Case])),
      examples,
      ...(done ? { maxRuns: examples.length } : {}),
    };
  },
};
