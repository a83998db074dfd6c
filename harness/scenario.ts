/**
 * A scenario is a corpus entry: a controller profile, a client profile, an event mix, and the
 * properties it claims with the verdict expected of each. `run --scenario` judges the claims as
 * plain properties; `run` (no scenario) and `qualify` compare verdicts with the expectations.
 */
import type { WeightKey } from './plan.ts';
import type { PropertyName } from '../properties/property.ts';

export type Verdict = 'held' | 'violated';

export interface Deadlines {
  /** How long a client may lack a watcher after a connection loss (available time only). */
  resumeMs: number;
  /** How long a request may stay unanswered. */
  requestMs: number;
  /** How long a client gives one deploy before it reports failure. */
  deployMs: number;
}

export interface Scenario {
  name: string;
  /** The file a scenario was loaded from (user scenarios); replays name it instead of `name`. */
  source?: string;
  /** One line, for listings. */
  summary: string;
  /** The real-world situation it models, in a paragraph. */
  description: string;
  /** Controller profile name (harness/controller/profile.ts), with optional changes. */
  controller: string;
  controllerChanges?: Record<string, unknown>;
  /** Client profile name (harness/clients/profiles.ts). */
  client: string;
  /** How many clients run the script at once. */
  clients: number;
  /** The version the user qualified; judged by version-as-tested. */
  testedVersion?: string;
  /** Versions `publish` and `upgrade` events choose from. */
  versions: readonly string[];
  /** Relative weight of each event kind in generated plans; absent or 0 means never. */
  weights: Partial<Record<WeightKey, number>>;
  /** Whether generated explicit upgrades may use --upload-tools. */
  uploadTools?: boolean;
  /** Longest generated plan (bootstrap included). */
  maxEvents: number;
  /** The properties this scenario claims, with the verdict expected of each. */
  expect: Partial<Record<PropertyName, Verdict>>;
  deadlines: Deadlines;
  /** Real targets: real time per model millisecond when --time-scale is not given. A client that
   *  waits in real seconds of its own (a real library's retry backoff) meets the controller's
   *  timings only at 1. */
  timeScale?: number;
}

export const DEFAULT_DEADLINES: Deadlines = { resumeMs: 30_000, requestMs: 30_000, deployMs: 600_000 };

/**
 * The event mix most scenarios use: deploys, faults and waits, with occasional releases and
 * upgrades, removals and watchers restarted by their client. A chained upgrade waits for the
 * current one (the implicit one after bootstrap, most often) to end: without it a second upgrade
 * happened in 4 of 2,000 juju-1.24-gated-api cases. Faults tied to client activity weigh 2 (the
 * three timed faults 1 each): 29% of them fire before the plan's last event, 57% once the plan's
 * end waits for them (targets/closing.ts; README, "Faults tied to client activity", gives what
 * they find). An upgrade tied to a client's API moment (an explicit upgrade or a publish-and-upgrade,
 * plan.ts) weighs 1 beside the timed upgrade and chained upgrade: it lands in the middle of what the
 * client is doing (between its WatchAll and its Deploy, as its Deploy arrives), where a timed one
 * lands by luck.
 */
export const DEFAULT_WEIGHTS: Scenario['weights'] = {
  deploy: 4,
  wait: 5,
  disconnect: 1,
  partition: 1,
  restart: 1,
  publish: 1,
  upgrade: 1,
  'chained-upgrade': 1,
  remove: 1,
  rewatch: 1,
  'on-activity': 2,
  'upgrade-on-activity': 1,
};

/**
 * The controller's contract, which every controller profile keeps whatever its clients do: every
 * scenario claims it (a planted controller bug must show here, whatever else the scenario is about).
 */
export const CONTROLLER_CONTRACT = {
  'watcher-lifecycle': 'held',
  'agent-lifecycle': 'held',
  'upgrade-sequence': 'held',
} as const satisfies Scenario['expect'];

/**
 * The clients' contract: what every client owes a controller that restarts under it, whatever else
 * it gets wrong. Every scenario claims it: each built-in profile backs off (or never reconnects)
 * and deploys only what it was asked to, under the name asked, sending the same charm on every
 * retry of a deploy; a `--client-cmd` program is judged by it as well.
 */
export const CLIENT_CONTRACT = {
  'reconnect-backoff': 'held',
  'apps-as-asked': 'held',
  'charm-as-asked': 'held',
} as const satisfies Scenario['expect'];

/** What the fixes claim: the client's work and watchers come through the upgrade intact. */
export const CLIENT_SURVIVES = {
  'no-work-before-upgrade': 'held',
  'watchers-resume': 'held',
  'deployments-complete': 'held',
  'requests-settle': 'held',
  'no-lost-work': 'held',
} as const satisfies Scenario['expect'];
