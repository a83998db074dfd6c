/**
 * fast-check arbitraries for plans: one small arbitrary per event kind, combined by the scenario's
 * weights. Plans shrink by dropping events and shortening waits and partitions; exactly one
 * bootstrap is always present.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FAULT_ACTIVITIES,
  HALF_OPEN_ACTIVITIES,
  SLOW_ACTIVITIES,
  UPGRADE_ACTIVITIES,
  type ApiActivity,
} from './controller/activity-triggers.ts';
import type { Plan, PlanEvent } from './plan.ts';
import type { Scenario } from './scenario.ts';
import type { StrategyName } from './strategies/names.ts';

export const APP_NAMES = ['mysql', 'wordpress', 'haproxy', 'postgresql'] as const;

export interface PlanOptions {
  /** Longest plan, bootstrap included (default: the scenario's maxEvents). */
  maxEvents?: number;
  /** Shortest plan, bootstrap included (default 1: any length up to maxEvents). */
  minEvents?: number;
  /** Weights to use instead of the scenario's (strategies vary them). */
  weights?: Scenario['weights'];
  /** How exploration chooses its cases (harness/strategies/; default random, which is planArbitrary). */
  strategy?: StrategyName;
}

/** The client faults that a scenario drawing tied faults ties half of the time (see tiedOrTimed). */
type TiedHalfTheTime = 'half-open' | 'stop-watcher';
type Upgrade = Extract<PlanEvent, { kind: 'upgrade' }>;

type EventArbs = { [K in Exclude<PlanEvent['kind'], 'bootstrap'>]: fc.Arbitrary<Extract<PlanEvent, { kind: K }>> } & {
  'on-activity': fc.Arbitrary<PlanEvent>;
  'upgrade-on-activity': fc.Arbitrary<PlanEvent>;
  'remove-on-activity': fc.Arbitrary<PlanEvent>;
};

export function eventArbitraries(scenario: Scenario): EventArbs {
  const client = fc.nat({ max: Math.max(0, scenario.clients - 1) });
  const version = fc.constantFrom(...(scenario.versions.length ? scenario.versions : ['0.0.0']));
  const upgrade = fc
    .tuple(fc.option(version, { nil: undefined }), scenario.uploadTools ? fc.boolean() : fc.constant(false))
    .map(([v, uploadTools]): Upgrade => ({
      kind: 'upgrade',
      ...(v !== undefined ? { version: v } : {}),
      ...(uploadTools ? { uploadTools: true } : {}),
    }));
  return {
    publish: version.map((v) => ({ kind: 'publish', version: v })),
    upgrade,
    deploy: fc
      .tuple(client, fc.constantFrom(...APP_NAMES), fc.integer({ min: 1, max: 3 }))
      .map(([c, app, units]) => ({ kind: 'deploy', client: c, app, units })),
    remove: fc.tuple(client, fc.constantFrom(...APP_NAMES)).map(([c, app]) => ({ kind: 'remove', client: c, app })),
    // The operator's removal while a program is away (plan.ts `remove`): drawn in programs' runs only.
    'remove-on-activity': fc
      .tuple(client, fc.constantFrom(...APP_NAMES))
      .map(([c, app]): PlanEvent => ({ kind: 'remove', client: c, app, on: 'login' })),
    rewatch: client.map((c) => ({ kind: 'rewatch', client: c })),
    'chained-upgrade': version.map((v) => ({ kind: 'chained-upgrade', version: v })),
    disconnect: client.map((c) => ({ kind: 'disconnect', client: c })),
    partition: fc
      .tuple(client, fc.integer({ min: 1_000, max: 60_000 }))
      .map(([c, durationMs]) => ({ kind: 'partition', client: c, durationMs })),
    slow: slowLink(client, (scenario.weights['on-activity'] ?? 0) > 0),
    'half-open': tiedOrTimed('half-open', client, (scenario.weights['on-activity'] ?? 0) > 0, HALF_OPEN_ACTIVITIES),
    // A stopped watcher shows at the client's Next: that is its moment (at a login or a Deploy the
    // client may have no watcher yet, and the stop has nothing to act on).
    'stop-watcher': tiedOrTimed('stop-watcher', client, (scenario.weights['on-activity'] ?? 0) > 0, ['watch-next']),
    restart: fc.constant({ kind: 'restart' }),
    pause: fc.integer({ min: 1_000, max: 60_000 }).map((durationMs) => ({ kind: 'pause', durationMs })),
    crash: fc
      .tuple(fc.integer({ min: 0, max: 30_000 }), fc.boolean())
      .map(([downMs, graceful]) => ({ kind: 'crash', downMs, ...(graceful ? { graceful: true as const } : {}) })),
    'on-activity': onActivity(client),
    'upgrade-on-activity': upgradeOnActivity(scenario, client, upgrade, version),
    wait: fc.integer({ min: 100, max: 30_000 }).map((durationMs) => ({ kind: 'wait', durationMs })),
  };
}

/**
 * A half-open link or a watcher the controller stops, by its own weight. Where the scenario draws
 * faults tied to client activity (`on-activity` > 0), half of them are tied too, to one of
 * `moments` (a link that dies under an AllWatcher.Next in flight, right after a WatchAll is
 * answered, or while the client logs in); fc.option shrinks a tied one to the timed one first.
 */
function tiedOrTimed<K extends TiedHalfTheTime>(
  kind: K,
  client: fc.Arbitrary<number>,
  tied: boolean,
  moments: readonly ApiActivity[],
): fc.Arbitrary<Extract<PlanEvent, { kind: K }>> {
  type Event = Extract<PlanEvent, { kind: K }>;
  if (!tied) return client.map((c) => ({ kind, client: c }) as Event);
  return fc
    .tuple(client, fc.option(fc.constantFrom(...moments), { nil: undefined, freq: 2 }))
    .map(([c, on]) => (on === undefined ? { kind, client: c } : { kind, client: c, on }) as Event);
}

/**
 * A slow link (plan.ts `slow`): 1 to 60 s long, as a partition, each message 0.2 to 10 s later, so a
 * round trip (twice that) spans a client's shorter timeouts (a 5 s Deploy timeout, a ping's) and
 * stays within the request deadline's 30 s. Where the scenario draws tied faults, half of them start
 * at one of SLOW_ACTIVITIES, as tiedOrTimed ties a half-open link; fc.option shrinks a tied one to
 * the timed one first.
 */
function slowLink(client: fc.Arbitrary<number>, tied: boolean): fc.Arbitrary<Extract<PlanEvent, { kind: 'slow' }>> {
  const window = fc.tuple(client, fc.integer({ min: 1_000, max: 60_000 }), fc.integer({ min: 200, max: 10_000 }));
  const moment = tied
    ? fc.option(fc.constantFrom(...SLOW_ACTIVITIES), { nil: undefined, freq: 2 })
    : fc.constant(undefined);
  return fc
    .tuple(window, moment)
    .map(([[c, durationMs, latencyMs], on]) =>
      on === undefined
        ? { kind: 'slow', client: c, durationMs, latencyMs }
        : { kind: 'slow', client: c, durationMs, latencyMs, on },
    );
}

/** A disconnect, partition or restart tied to a client's API activity (plan.ts ActivityTie). */
function onActivity(client: fc.Arbitrary<number>): fc.Arbitrary<PlanEvent> {
  const on = fc.constantFrom(...FAULT_ACTIVITIES);
  return fc.oneof(
    fc.tuple(client, on).map(([c, a]): PlanEvent => ({ kind: 'disconnect', client: c, on: a })),
    fc
      .tuple(client, on, fc.integer({ min: 1_000, max: 60_000 }))
      .map(([c, a, durationMs]): PlanEvent => ({ kind: 'partition', client: c, durationMs, on: a })),
    fc.tuple(client, on).map(([c, a]): PlanEvent => ({ kind: 'restart', when: { client: c, on: a } })),
  );
}

/**
 * An operator's upgrade tied to a client's API moment (plan.ts: it fires at the first such moment
 * when an upgrade can start): an explicit `upgrade` as the `upgrade` weight draws it, or a
 * publish-and-upgrade (`chained-upgrade`), each by the scenario's weight for its kind (an upgrade
 * only, in a scenario that weighs neither). The moment is one of UPGRADE_ACTIVITIES: the client's
 * login, the gap between its WatchAll and its next call, its Deploy arriving, its Next in flight,
 * its Deploy answered: an upgrade that lands in the middle of what the client is doing.
 */
function upgradeOnActivity(
  scenario: Scenario,
  client: fc.Arbitrary<number>,
  upgrade: fc.Arbitrary<Upgrade>,
  version: fc.Arbitrary<string>,
): fc.Arbitrary<PlanEvent> {
  const when = fc.record({ client, on: fc.constantFrom(...UPGRADE_ACTIVITIES) });
  const plain = scenario.weights.upgrade ?? 0;
  const chained = scenario.weights['chained-upgrade'] ?? 0;
  const tiedUpgrade = fc.tuple(upgrade, when).map(([u, w]): PlanEvent => ({ ...u, when: w }));
  if (chained <= 0) return tiedUpgrade;
  const tiedChained = fc
    .tuple(version, when)
    .map(([v, w]): PlanEvent => ({ kind: 'chained-upgrade', version: v, when: w }));
  if (plain <= 0) return tiedChained;
  return fc.oneof({ arbitrary: tiedUpgrade, weight: plain }, { arbitrary: tiedChained, weight: chained });
}

/** One event, drawn by weight from the kinds the weights allow. */
export function eventArbitrary(scenario: Scenario, weights = scenario.weights): fc.Arbitrary<PlanEvent> {
  const arbs = eventArbitraries(scenario);
  const weighted = (Object.keys(arbs) as (keyof EventArbs)[])
    .filter((kind) => (weights[kind] ?? 0) > 0)
    .map((kind) => ({ arbitrary: arbs[kind] as fc.Arbitrary<PlanEvent>, weight: weights[kind]! }));
  if (weighted.length === 0) return fc.constant<PlanEvent>({ kind: 'wait', durationMs: 1_000 });
  return fc.oneof(...weighted);
}

export function planArbitrary(scenario: Scenario, options: PlanOptions = {}): fc.Arbitrary<Plan> {
  return fc.tuple(planEventsArbitrary(scenario, options), fc.nat()).map(([events, at]) => withBootstrap(events, at));
}

/**
 * The events of a plan but its bootstrap: up to maxEvents - 1 of them. fast-check's default
 * `size` would cap the length near 10 whatever maxLength says (a plan of 60 events was never
 * drawn); `size: 'max'` makes every length up to the maximum reachable, so bugs that need a long
 * story are generated.
 */
export function planEventsArbitrary(scenario: Scenario, options: PlanOptions = {}): fc.Arbitrary<PlanEvent[]> {
  const maxEvents = Math.max(1, options.maxEvents ?? scenario.maxEvents);
  const minEvents = Math.min(maxEvents, Math.max(1, options.minEvents ?? 1));
  return fc.array(eventArbitrary(scenario, options.weights), {
    minLength: minEvents - 1,
    maxLength: maxEvents - 1,
    size: 'max',
  });
}

/**
 * Inserts the one bootstrap and gives repeated application names a suffix, so deploys never
 * collide; a remove names the latest deployment of its charm name so far, else the latest
 * deployment of any charm, else the name as drawn (the controller then answers "not found").
 */
export function withBootstrap(events: readonly PlanEvent[], at: number): Plan {
  assert(
    events.every((e) => e.kind !== 'bootstrap'),
    'withBootstrap inserts the one bootstrap: the events given must have none',
  );
  const plan: Plan = [...events];
  plan.splice(at % (events.length + 1), 0, { kind: 'bootstrap' });
  const seen = new Map<string, number>();
  let latest: string | undefined;
  return plan.map((e) => {
    if (e.kind === 'remove') {
      const n = seen.get(e.app);
      if (n === undefined) return latest !== undefined ? { ...e, app: latest } : e;
      return n === 1 ? e : { ...e, app: `${e.app}-${n}` };
    }
    if (e.kind !== 'deploy') return e;
    const n = (seen.get(e.app) ?? 0) + 1;
    seen.set(e.app, n);
    const named = n === 1 ? e : { ...e, app: `${e.app}-${n}` };
    latest = named.app;
    return named;
  });
}
