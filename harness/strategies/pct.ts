/**
 * pct: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010),
 * adapted to timed plans.
 *
 * PCT schedules a program's threads by priority: every thread gets a random distinct priority,
 * d-1 random "change points" are drawn among the k steps, the highest-priority runnable thread
 * always runs, and at the i-th change point the running thread drops to priority d-i (below every
 * initial one). For a bug of depth d (d ordering constraints between steps must hold), one run
 * finds it with probability at least 1 / (n * k^(d-1)), n threads, k steps.
 *
 * The adaptation. A plan has no threads, so we give it actors, one per independent source of
 * events: the bootstrap, the clock (waits: time is what separates "during the upgrade" from
 * "after"), the release team (publish), the operator (explicit upgrades), the nemesis (disconnect,
 * partition, restart) and each client's deployment script (its deploys). A case draws the events
 * exactly as `random` does (same kinds, weights and lengths), queues them per actor in draw order,
 * and then PCT, not the draw order, decides the interleaving: one step = one plan event. Plans come
 * out as bursts of one actor's events cut at d-1 points, so "deploy right after bootstrap, before
 * any time passes" or "publish before bootstrap" are each a small number of priority choices
 * rather than a coincidence of many independent draws.
 *
 * The bound, as it carries over: given queues that hold the events a bug needs, a bug of depth at
 * most d = PCT_DEPTH is found by one case with probability at least 1 / (n * k^(d-1)), where n is
 * the number of actors (at most 5 + clients) and k the plan length (at most maxEvents); e.g. for a
 * one-client scenario of 20 events, 1 / (6 * 20^2) = 1/2400 per case. It is a worst-case floor;
 * shallow bugs (d = 1 or 2) get 1/n and 1/(n*k). The chance that the queues hold the right events
 * is the same as for `random`.
 *
 * Every draw (events, priorities, change points) is part of one fast-check value, so a case
 * replays by seed and path like any other; a failing plan shrinks as a plan (plan-shrinker.ts).
 */
import fc from 'fast-check';
import { planEventsArbitrary, withBootstrap } from '../arbitraries.ts';
import { clientName, type Plan, type PlanEvent } from '../plan.ts';
import { withPlanShrinker } from './plan-shrinker.ts';
import { withSimSeed, type Strategy } from './strategy.ts';

/** The bug depth PCT is tuned for: d-1 = 2 change points per case. */
export const PCT_DEPTH = 3;

/** Change points are drawn as fractions of the plan, in 1/POINT_SCALE steps. */
const POINT_SCALE = 1 << 16;

/** The actor that emits an event. */
export function actorOf(event: PlanEvent): string {
  switch (event.kind) {
    case 'bootstrap':
      return 'bootstrap';
    case 'wait':
      return 'clock';
    case 'publish':
      return 'release';
    case 'upgrade':
    case 'chained-upgrade':
      return 'operator';
    case 'disconnect':
    case 'partition':
    case 'restart':
      return 'nemesis';
    case 'deploy':
    case 'remove':
    case 'rewatch':
      return clientName(event.client);
  }
}

/** Every actor a scenario with `clients` clients can have, in a fixed order. */
export function actorsFor(clients: number): string[] {
  return [
    'bootstrap',
    'clock',
    'release',
    'operator',
    'nemesis',
    ...Array.from({ length: clients }, (_, i) => clientName(i)),
  ];
}

export interface PctDraw {
  /** Each actor's events, in the order they were drawn. */
  queues: ReadonlyMap<string, readonly PlanEvent[]>;
  /** One random key per actor (same order as `actors`); a higher key is a higher initial priority. */
  keys: readonly number[];
  actors: readonly string[];
  /** Steps (1-based) at which the running actor's priority drops; d-1 of them. */
  changePoints: readonly number[];
  depth: number;
}

/** PCT's scheduler: the interleaving of the queues that the priorities and change points give. */
export function pctSchedule(draw: PctDraw): PlanEvent[] {
  const { queues, keys, actors, changePoints, depth } = draw;
  const order = actors.map((actor, i) => ({ actor, key: keys[i] ?? 0, i })).sort((a, b) => b.key - a.key || a.i - b.i);
  // Initial priorities d .. d+n-1, highest key highest; change points lower one to d-1 .. 1.
  const priority = new Map(order.map(({ actor }, rank) => [actor, depth + actors.length - 1 - rank]));
  const next = new Map([...queues.keys()].map((actor) => [actor, 0]));
  const total = [...queues.values()].reduce((n, events) => n + events.length, 0);
  const out: PlanEvent[] = [];
  for (let step = 1; step <= total; step++) {
    let running: string | undefined;
    for (const [actor, events] of queues) {
      if (next.get(actor)! >= events.length) continue;
      if (running === undefined || priority.get(actor)! > priority.get(running)!) running = actor;
    }
    const at = next.get(running!)!;
    out.push(queues.get(running!)![at]!);
    next.set(running!, at + 1);
    changePoints.forEach((point, i) => {
      if (point === step) priority.set(running!, depth - 1 - i);
    });
  }
  return out;
}

/** Groups events by actor, keeping each actor's order. */
export function queuesOf(events: readonly PlanEvent[]): Map<string, PlanEvent[]> {
  const queues = new Map<string, PlanEvent[]>();
  for (const e of events) {
    const actor = actorOf(e);
    let queue = queues.get(actor);
    if (!queue) queues.set(actor, (queue = []));
    queue.push(e);
  }
  return queues;
}

export const pctStrategy: Strategy = {
  name: 'pct',
  summary: `probabilistic concurrency testing: random actor priorities with ${PCT_DEPTH - 1} change points`,
  cases: (config, options) => {
    const scenario = config.scenario;
    const actors = actorsFor(scenario.clients);
    const plans = fc
      .tuple(
        planEventsArbitrary(scenario, options),
        fc.array(fc.nat(), { minLength: actors.length, maxLength: actors.length }),
        fc.array(fc.nat({ max: POINT_SCALE - 1 }), { minLength: PCT_DEPTH - 1, maxLength: PCT_DEPTH - 1 }),
      )
      .map(([events, keys, points]): Plan => {
        const queues = queuesOf([{ kind: 'bootstrap' }, ...events]);
        const k = events.length + 1;
        // Each change point is a fraction of the plan: uniform over steps 1..k whatever k turns out to be.
        const changePoints = points.map((p) => Math.floor((p * k) / POINT_SCALE) + 1);
        const scheduled = pctSchedule({ queues, keys, actors, changePoints, depth: PCT_DEPTH });
        const at = scheduled.findIndex((e) => e.kind === 'bootstrap');
        return withBootstrap(
          scheduled.filter((e) => e.kind !== 'bootstrap'),
          at,
        );
      });
    return { arbitrary: withSimSeed(withPlanShrinker(plans)) };
  },
};
