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
    const digits = Array.from({ length: length - 1 }, () => 0);
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
    const { examples, stoppedBy } = enumerateCases(config.scenario, maxEvents, options);
    const first = examples[0] ?? ([[{ kind: 'bootstrap' }], 0] as Case);
    return {
      // Never drawn from: explore runs no more cases than there are examples. (Not constantFrom
      // over the examples: spreading a few hundred thousand arguments overflows the stack.)
      arbitrary: fc.constant(first),
      examples,
      ...(stoppedBy === undefined ? { maxRuns: examples.length } : {}),
      ...(stoppedBy !== undefined
        ? { note: `exhaustive: stopped short of the whole space: ${stoppedBy}; raise it or lower --max-events` }
        : {}),
    };
  },
};

/** The cases to run, up to options.runs and, while enumerating, options.timeLimitMs; `stoppedBy`
 *  says which of them cut the space short (undefined: every plan of the space is there). */
function enumerateCases(
  scenario: Scenario,
  maxEvents: number,
  options: { runs: number; seed: number; weights?: Scenario['weights']; timeLimitMs?: number },
): { examples: Case[]; stoppedBy?: string } {
  const examples: Case[] = [];
  const deadline = options.timeLimitMs !== undefined ? performance.now() + options.timeLimitMs : Infinity;
  for (const plan of enumeratePlans(scenario, maxEvents, options.weights)) {
    if (examples.length >= options.runs)
      return { examples, stoppedBy: `ran the first ${examples.length} plans (--runs ${options.runs})` };
    // The clock is read every 1024 plans: enumerating is cheap, reading the clock is not free.
    if ((examples.length & 1023) === 0 && performance.now() > deadline)
      return {
        examples,
        stoppedBy: `enumerating reached --time-limit after ${examples.length} plans`,
      };
    examples.push([plan, exhaustiveSimSeed(options.seed, examples.length)]);
  }
  return { examples };
}
