/**
 * Shrinking made for plans. fast-check's own shrinking of a mapped array cannot do the two things
 * that make a timed plan short: merge consecutive waits (a violation that needs 40 s of elapsed
 * time then keeps one wait, not ten short ones it may not drop), and drop an event without moving
 * the bootstrap (planArbitrary places it at `at % (length + 1)`, so every removal before it moved
 * it elsewhere). This wrapper generates exactly what the plan arbitrary it wraps generates (same
 * seed, same cases, same first failure) and replaces only the shrinking, with candidates tried in
 * this order:
 *
 * 1. merge two adjacent waits into one of the same total (the timeline does not change, so the
 *    violation almost always survives: plans get shorter for free); then the two waits around the
 *    bootstrap into one, after it or before it (the bootstrap moves: kept only if still failing);
 * 2. remove a run of events other than the bootstrap, longest runs first (delta debugging);
 * 3. simplify one event: fewer units, no explicit version or --upload-tools, client 0, a chained
 *    upgrade made a plain one (it no longer waits for the last upgrade), a fault or upgrade tied to
 *    client activity made a timed one (a tie that stays is one the failure needs), a shorter wait,
 *    partition or slow link, a slow link's smaller delay (the shortest, then ever closer to the
 *    current value).
 *
 * Every candidate is smaller (fewer events, or the same events with smaller parameters), so
 * shrinking ends; it is deterministic, so fast-check's path still replays the shrunk case.
 */
import fc from 'fast-check';
import type { Plan, PlanEvent } from '../plan.ts';

const MIN_WAIT_MS = 100;
const MIN_PARTITION_MS = 1_000;
/** A slow link's smallest delay: the arbitraries' least (a link barely slower than usual). */
const MIN_SLOW_LATENCY_MS = 200;

class PlanShrinker extends fc.Arbitrary<Plan> {
  constructor(private readonly plans: fc.Arbitrary<Plan>) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Plan> {
    return new fc.Value(this.plans.generate(mrng, biasFactor).value, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is Plan {
    return Array.isArray(value);
  }

  shrink(plan: Plan): fc.Stream<fc.Value<Plan>> {
    return new fc.Stream(planShrinks(plan)).map((p) => new fc.Value(p, undefined));
  }
}

/** `plans`, shrunk the plan way. */
export function withPlanShrinker(plans: fc.Arbitrary<Plan>): fc.Arbitrary<Plan> {
  return new PlanShrinker(plans);
}

/** The smaller plans to try instead of `plan`, most promising first. */
export function* planShrinks(plan: Plan): Generator<Plan> {
  for (let i = 0; i + 1 < plan.length; i++) {
    const a = plan[i]!;
    const b = plan[i + 1]!;
    if (a.kind === 'wait' && b.kind === 'wait') {
      yield [...plan.slice(0, i), { kind: 'wait', durationMs: a.durationMs + b.durationMs }, ...plan.slice(i + 2)];
    }
  }
  yield* mergesAcrossBootstrap(plan);
  const removable = plan.flatMap((e, i) => (e.kind === 'bootstrap' ? [] : [i]));
  for (let size = removable.length; size >= 1; size = size === 1 ? 0 : Math.ceil(size / 2)) {
    for (let start = 0; start + size <= removable.length; start += size) {
      const gone = new Set(removable.slice(start, start + size));
      yield plan.filter((_, i) => !gone.has(i));
    }
  }
  for (let i = 0; i < plan.length; i++) {
    for (const simpler of simplerEvents(plan[i]!)) yield [...plan.slice(0, i), simpler, ...plan.slice(i + 1)];
  }
}

/** Waits on both sides of the bootstrap, merged into one on either side of it (long plans often
 *  put the bootstrap between the two waits a timing needs). */
function* mergesAcrossBootstrap(plan: Plan): Generator<Plan> {
  const at = plan.findIndex((e) => e.kind === 'bootstrap');
  const before = plan[at - 1];
  const after = plan[at + 1];
  if (before?.kind !== 'wait' || after?.kind !== 'wait') return;
  const merged: PlanEvent = { kind: 'wait', durationMs: before.durationMs + after.durationMs };
  const head = plan.slice(0, at - 1);
  const tail = plan.slice(at + 2);
  yield [...head, plan[at]!, merged, ...tail];
  yield [...head, merged, plan[at]!, ...tail];
}

function* simplerEvents(e: PlanEvent): Generator<PlanEvent> {
  switch (e.kind) {
    case 'deploy':
      if (e.units > 1) yield { ...e, units: 1 };
      if (e.client > 0) yield { ...e, client: 0 };
      break;
    case 'upgrade':
      if (e.when) yield withoutKey(e, 'when');
      if (e.when && e.when.client > 0) yield { ...e, when: { ...e.when, client: 0 } };
      if (e.uploadTools) yield withoutKey(e, 'uploadTools');
      if (e.version !== undefined) yield withoutKey(e, 'version');
      break;
    case 'disconnect':
      if (e.on !== undefined) yield withoutKey(e, 'on'); // at its time, tied to no client activity
      if (e.client > 0) yield { ...e, client: 0 };
      break;
    case 'half-open':
    case 'stop-watcher':
      if (e.on !== undefined) yield withoutKey(e, 'on'); // at its time, tied to no client activity
      if (e.client > 0) yield { ...e, client: 0 };
      break;
    case 'remove':
      if (e.on !== undefined) yield withoutKey(e, 'on'); // at its time: once the program next waits on its watcher
      if (e.client > 0) yield { ...e, client: 0 };
      break;
    case 'rewatch':
      if (e.client > 0) yield { ...e, client: 0 };
      break;
    case 'restart':
      if (e.when) yield withoutKey(e, 'when');
      if (e.when && e.when.client > 0) yield { ...e, when: { ...e.when, client: 0 } };
      break;
    case 'chained-upgrade':
      if (e.when) yield withoutKey(e, 'when'); // at its time (once no upgrade runs), not at the client's moment
      if (e.when && e.when.client > 0) yield { ...e, when: { ...e.when, client: 0 } };
      yield { kind: 'upgrade', version: e.version }; // the same upgrade, without waiting for the last one
      break;
    case 'partition':
      if (e.on !== undefined) yield withoutKey(e, 'on');
      if (e.client > 0) yield { ...e, client: 0 };
      for (const d of shorter(e.durationMs, MIN_PARTITION_MS)) yield { ...e, durationMs: d };
      break;
    case 'slow':
      if (e.on !== undefined) yield withoutKey(e, 'on');
      if (e.client > 0) yield { ...e, client: 0 };
      for (const d of shorter(e.durationMs, MIN_PARTITION_MS)) yield { ...e, durationMs: d };
      for (const l of shorter(e.latencyMs, MIN_SLOW_LATENCY_MS)) yield { ...e, latencyMs: l };
      break;
    case 'pause':
      for (const d of shorter(e.durationMs, MIN_PARTITION_MS)) yield { ...e, durationMs: d };
      break;
    case 'crash':
      if (e.graceful) yield withoutKey(e, 'graceful'); // a kill is the simpler story
      for (const d of shorter(e.downMs, 0)) yield { ...e, downMs: d };
      break;
    case 'wait':
      for (const d of shorter(e.durationMs, MIN_WAIT_MS)) yield { ...e, durationMs: d };
      break;
  }
}

/** The shortest duration first, then ever closer to the current one, as integer shrinking does. */
function shorter(ms: number, min: number): number[] {
  const out: number[] = [];
  if (ms <= min) return out;
  out.push(min);
  for (let gap = Math.floor((ms - min) / 2); gap >= 1; gap = Math.floor(gap / 2)) out.push(ms - gap);
  return out;
}

function withoutKey<E extends PlanEvent, K extends keyof E>(e: E, key: K): Omit<E, K> & PlanEvent {
  const { [key]: _dropped, ...rest } = e;
  return rest as Omit<E, K> & PlanEvent;
}
