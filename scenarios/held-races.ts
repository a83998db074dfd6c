/**
 * Races the model and the clients get right, kept as plans that must hold: each is a case a
 * plausible regression turns into a violation, but that the sampled corpus reaches only after
 * hundreds of cases. `npm run mutation` judges every mutant on them (test/mutation/corpus.mutation.ts),
 * and test/scenarios/held-races.test.ts checks that they hold today.
 */
import type { Plan } from '../harness/plan.ts';
import type { PropertyName } from '../properties/property.ts';

export interface HeldRace {
  scenario: string;
  property: PropertyName;
  plan: Plan;
  /** The sim seed the race needs. */
  simSeed: number;
  /** What goes wrong if the code regresses, in a sentence. */
  why: string;
}

export const HELD_RACES: readonly HeldRace[] = [
  {
    scenario: 'juju-1.24-gated-api',
    property: 'deployments-complete',
    plan: [
      { kind: 'remove', client: 1, app: 'postgresql' },
      { kind: 'deploy', client: 1, app: 'mysql', units: 1 },
      { kind: 'remove', client: 1, app: 'mysql' },
      { kind: 'deploy', client: 1, app: 'haproxy-2', units: 1 },
      { kind: 'bootstrap' },
    ],
    simSeed: 1988814268,
    why:
      'a removal asked right after a deploy of the same app, both refused during the implicit upgrade and retried: ' +
      'if the removal overtakes the deploy it hears "not found", reports done, and the deploy then creates the app',
  },
];
