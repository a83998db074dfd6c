/**
 * The shortest known plan that violates each property a scenario expects violated: what a
 * perfect shrinker would print. Found by enumerating short plans, shortest first (the exhaustive
 * strategy, since removed: it never beat random on the bench's deep bugs), and confirmed by shrinking; every event in each plan is needed (drop any one but the bootstrap and
 * the property holds). test/scenarios/minimal-counterexamples.test.ts keeps them honest, and the
 * bench compares shrunk lengths with them.
 */
import type { Plan, PlanEvent } from '../harness/plan.ts';
import type { PropertyName } from '../properties/property.ts';

export interface MinimalCounterexample {
  scenario: string;
  property: PropertyName;
  plan: Plan;
  /** A sim seed under which the plan violates the property (timing races need the right one). */
  simSeed: number;
  /** Why these events, in a sentence. */
  why: string;
}

const bootstrap: PlanEvent = { kind: 'bootstrap' };
const deploy: PlanEvent = { kind: 'deploy', client: 0, app: 'mysql', units: 1 };

export const MINIMAL_COUNTEREXAMPLES: readonly MinimalCounterexample[] = [
  {
    scenario: 'juju-1.22-implicit-upgrade',
    property: 'no-work-before-upgrade',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: 'the deploy right after bootstrap is accepted, and its hooks start, while the implicit upgrade is pending',
  },
  {
    scenario: 'juju-1.22-implicit-upgrade',
    property: 'watchers-resume',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: "the upgrade's restart cuts the deployer's watcher and it never comes back, so its view keeps the unit installing",
  },
  {
    scenario: 'juju-1.22-implicit-upgrade',
    property: 'deployments-complete',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: 'the restart interrupts the install hook (unit in error) and the deployer gives up on its lost connection',
  },
  {
    scenario: 'juju-1.22-network-partition',
    property: 'requests-settle',
    plan: [bootstrap, { kind: 'partition', client: 0, durationMs: 45_000 }, { kind: 'wait', durationMs: 30_000 }],
    simSeed: 6,
    why:
      'the login is caught in a 45 s partition and the deployer has no timeout: the wait keeps the partition up ' +
      'past the request deadline',
  },
  {
    scenario: 'juju-1.22-network-partition',
    property: 'deployments-complete',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: 'as in juju-1.22-implicit-upgrade: no partition is even needed',
  },
  {
    scenario: 'juju-1.22-network-partition',
    property: 'watchers-resume',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: 'as in juju-1.22-implicit-upgrade',
  },
  {
    scenario: 'juju-1.22-savvy-script',
    property: 'no-surprise-upgrade',
    plan: [bootstrap],
    simSeed: 0,
    why: 'bootstrap alone upgrades 1.22.1 to 1.22.3 unasked',
  },
  {
    scenario: 'juju-1.22-savvy-script',
    property: 'version-as-tested',
    plan: [bootstrap],
    simSeed: 0,
    why: 'bootstrap alone ends on 1.22.3, not the tested 1.22.1',
  },
  {
    scenario: 'juju-1.22-pinned-agent-version',
    property: 'no-work-before-upgrade',
    plan: [bootstrap, deploy, { kind: 'upgrade' }],
    simSeed: 0,
    why: 'the pin stops the implicit upgrade, but a deploy is still accepted while an explicit one is pending',
  },
  {
    scenario: 'juju-1.22-pinned-agent-version',
    property: 'watchers-resume',
    plan: [bootstrap, deploy, { kind: 'upgrade' }],
    simSeed: 0,
    why: "the explicit upgrade's restart cuts the deployer's watcher for good",
  },
  {
    scenario: 'juju-1.22-pinned-agent-version',
    property: 'deployments-complete',
    plan: [bootstrap, deploy, { kind: 'upgrade' }],
    simSeed: 0,
    why: "the explicit upgrade's restart interrupts the install hook and the deployer gives up",
  },
  {
    scenario: 'juju-1.22-upload-tools',
    property: 'version-as-tested',
    plan: [bootstrap],
    simSeed: 0,
    why: 'bootstrap --upload-tools uploads the dev build first on $PATH (1.23-beta1.1)',
  },
  {
    scenario: 'juju-1.22-upgrade-upload-tools',
    property: 'version-as-tested',
    plan: [bootstrap, { kind: 'upgrade', version: '1.22.3', uploadTools: true }],
    simSeed: 0,
    why: "upgrade-juju --upload-tools --version 1.22.3 lands on the client machine's 1.23-beta1.1",
  },
  {
    scenario: 'juju-1.22-old-release-line',
    property: 'no-surprise-upgrade',
    plan: [{ kind: 'publish', version: '1.22.4' }, bootstrap],
    simSeed: 0,
    why: 'a 1.22.4 patch published before bootstrap becomes its implicit upgrade',
  },
  {
    scenario: 'juju-1.22-old-release-line',
    property: 'version-as-tested',
    plan: [{ kind: 'publish', version: '1.22.4' }, bootstrap],
    simSeed: 0,
    why: 'the patch moves the controller off the tested 1.22.1',
  },
  {
    scenario: 'juju-1.22-old-release-line',
    property: 'deployments-complete',
    plan: [{ kind: 'publish', version: '1.22.4' }, bootstrap, deploy],
    simSeed: 0,
    why: 'without the patch there is no upgrade; with it, the deploy meets the restart',
  },
  {
    scenario: 'juju-1.22-reconnecting-client',
    property: 'no-work-before-upgrade',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: 'reconnecting does not stop the open API from accepting work during the upgrade',
  },
  {
    scenario: 'juju-1.22-reconnecting-client',
    property: 'no-lost-work',
    plan: [{ kind: 'partition', client: 0, durationMs: 5_000 }, bootstrap, deploy],
    simSeed: 2,
    why: "the partition delays the client's first connection into the upgrade steps, whose model rewrite drops the deploy they accepted",
  },
  {
    scenario: 'juju-1.22-reconnecting-client',
    property: 'deployments-complete',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: 'the restart interrupts the install hook, which Juju 1.22 leaves in error',
  },
  {
    scenario: 'juju-1.24-gated-api-naive-client',
    property: 'deployments-complete',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: 'the gated API refuses the deploy with "upgrade in progress" and the deployer does not retry',
  },
  {
    scenario: 'juju-1.24-libjuju',
    property: 'watchers-resume',
    plan: [
      bootstrap,
      { kind: 'partition', client: 0, durationMs: 10_465 },
      { kind: 'wait', durationMs: 26_074 },
      deploy,
    ],
    simSeed: 389205737,
    why:
      "the partition holds the client back until the upgrade restart is over (a redial in the agent's downtime " +
      'would be its last), so it logs in during the steps and "upgrade in progress" kills its watcher; the deploy ' +
      'after the upgrade never reaches its view (shrunk by qualify --seed 1 once libjuju-like dialled as the real ' +
      'library does)',
  },
  {
    scenario: 'juju-1.24-libjuju',
    property: 'deployments-complete',
    plan: [bootstrap, deploy],
    simSeed: 0,
    why: 'the gated API refuses the deploy and libjuju does not retry it',
  },
];

/** The scenario's minimal known length: its longest minimal counterexample (every must-fail property is found). */
export function minimalEvents(scenario: string): number | undefined {
  const lengths = MINIMAL_COUNTEREXAMPLES.filter((c) => c.scenario === scenario).map((c) => c.plan.length);
  return lengths.length > 0 ? Math.max(...lengths) : undefined;
}

/** The minimal known length for one property of a scenario. */
export function minimalEventsFor(scenario: string, property: PropertyName): number | undefined {
  return MINIMAL_COUNTEREXAMPLES.find((c) => c.scenario === scenario && c.property === property)?.plan.length;
}
