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
  /** The race it is, which test/scenarios/held-races.test.ts checks the run really has: a removal asked while a
   *  deploy of its application was unanswered, or the controller killed while a unit's hook ran. */
  race: 'removal-during-deploy' | 'crash-during-hook';
  /** What goes wrong if the code regresses, in a sentence. */
  why: string;
}

/** The controller killed 2 s after a deploy, while its unit's install hook runs: one plan, judged by two properties below. */
const CRASH_DURING_INSTALL: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 30_000 },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'wait', durationMs: 2_000 },
  { kind: 'crash', downMs: 3_000 },
];

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
    race: 'removal-during-deploy',
    why:
      'a removal asked right after a deploy of the same app, both refused during the implicit upgrade and retried: ' +
      'if the removal overtakes the deploy it hears "not found", reports done, and the deploy then creates the app',
  },
  {
    scenario: 'juju-1.24-crashed-controller',
    property: 'deployments-complete',
    plan: CRASH_DURING_INSTALL,
    simSeed: 1,
    race: 'crash-during-hook',
    why:
      "the controller killed while a unit's install hook runs: the controller that starts again must take the unit " +
      'agents back from disk (interrupted hook, hooks left) and run them, or the unit stays in maintenance for good ' +
      '(the sampled corpus lands a crash on a running hook in about 1 case in 40)',
  },
  {
    scenario: 'juju-1.24-crashed-controller',
    property: 'agent-lifecycle',
    plan: CRASH_DURING_INSTALL,
    simSeed: 1,
    race: 'crash-during-hook',
    why:
      'the same kill, judged by the contract: the controller that starts again must record the install hook it ' +
      'took from disk as interrupted (not lose it, not leave it running) and run it again, one hook at a time',
  },
];
