/**
 * Input-to-state for the coverage strategy: Redqueen's (CmpLog's) idea carried over from bytes a
 * program compared to the values and moments a run's own history shows. Redqueen puts into the
 * input the value a comparison wanted; here the history says which plan event caused what (an
 * upgrade request the controller accepted, a restart that took its agent down), when that effect
 * settled (the upgrade ended, the agent was up again) and which versions the controller ran and
 * named. A mutant does a cause again exactly when its effect settled, asking (an upgrade) for the
 * version after the one running then: Redqueen's "operand + 1" over the versions the run named.
 * A random plan needs luck for that: a second request lands while the first upgrade still runs
 * (refused) or long after, and asks for a version the controller refuses as not newer.
 *
 * Nothing here knows a property or a bug: only records every history has (`event`, `agent-down`,
 * `agent-up`, `upgrade-requested`, `upgrade-end`, versions). Every function is pure (randomness
 * comes from the caller's Rng), so the strategy stays a function of its seed.
 */
import { compareVersions } from '../controller/version.ts';
import type { History } from '../history.ts';
import { timeline, type Plan, type PlanEvent } from '../plan.ts';
import type { Rng } from '../rng.ts';

/** A plan event whose effect the history shows begin and settle. */
export interface Cause {
  /** The plan index of the event. */
  index: number;
  /** When its effect began (ms into the run). */
  t: number;
  /** When it settled (an upgrade ended, the agent was up again), if it did. */
  settled: number | undefined;
  /** What it did: asked for an upgrade the controller accepted, or took the agent down. */
  effect: 'upgrade' | 'restart';
}

/** What a run's history showed that a mutant can reuse. */
export interface Observations {
  /** The running version from each moment on: bootstrap, then every version change. */
  versions: readonly (readonly [t: number, version: string])[];
  /** Every version the history names (and those given as known), oldest first. */
  dictionary: readonly string[];
  /** Accepted upgrade requests (settled when an upgrade ends) and restarts that took the agent
   *  down (settled when it is up again), each with the plan event that made it. The upgrade a
   *  controller asks for itself after bootstrap (1.22 to 1.24's implicit upgrade) counts as the
   *  bootstrap's request: done again, it is asked for as a user would (`withNextVersion`). */
  causes: readonly Cause[];
}

/** Reads a history for the values and moments input-to-state mutants reuse. `known`: versions to
 *  add to the dictionary (the scenario's, as AFL's dictionary tokens). */
export function observe(history: History, known: readonly string[] = []): Observations {
  const versions: [number, string][] = [];
  const named = new Set<string>(known);
  const ups: number[] = [];
  const ends: number[] = [];
  const requests: [number, number][] = [];
  const restarts: [number, number][] = [];
  const chained: { index: number; version: string }[] = [];
  // The bootstrap event is recorded after the implicit request it makes at the same instant.
  const boot = history.find((r) => r.type === 'event' && r.event.kind === 'bootstrap');
  const bootstrap = boot?.type === 'event' ? boot.index : undefined;
  const name = (...vs: (string | undefined)[]): void => {
    for (const v of vs) if (v !== undefined) named.add(v);
  };
  for (let i = 0; i < history.length; i++) {
    const r = history[i]!;
    if (r.type === 'bootstrap') {
      versions.push([r.t, r.version]);
      ups.push(r.t);
      name(r.version, r.desired, r.available);
    } else if (r.type === 'version') {
      versions.push([r.t, r.to]);
      name(r.from, r.to);
    } else if (r.type === 'upgrade-pending') name(r.to);
    else if (r.type === 'agent-up') ups.push(r.t);
    else if (r.type === 'upgrade-end') ends.push(r.t);
    else if (r.type === 'event') {
      if (r.event.kind === 'chained-upgrade') chained.push({ index: r.index, version: r.event.version });
      else if (r.event.kind === 'publish') name(r.event.version);
      else if (r.event.kind === 'restart' && r.applied && tookAgentDown(history, i)) restarts.push([r.t, r.index]);
    } else if (r.type === 'upgrade-requested') {
      name(r.requested, r.chosen);
      const index = r.explicit ? requester(history, i, r.requested, chained) : bootstrap;
      if (index !== undefined && r.refused === undefined) requests.push([r.t, index]);
    }
  }
  const after = (times: readonly number[], t: number): number | undefined => times.find((x) => x > t);
  const causes: Cause[] = [
    ...requests.map(([t, index]) => ({ index, t, settled: after(ends, t), effect: 'upgrade' as const })),
    ...restarts.map(([t, index]) => ({ index, t, settled: after(ups, t), effect: 'restart' as const })),
  ];
  return { versions, dictionary: [...named].sort(compareVersions), causes };
}

/** A restart's event record follows the `agent-down` it caused at the same instant (with the
 *  connections it dropped in between). */
function tookAgentDown(history: History, i: number): boolean {
  const t = history[i]!.t;
  for (let j = i - 1; j >= 0 && history[j]!.t === t && history[j]!.type !== 'event'; j--) {
    const r = history[j]!;
    if (r.type === 'agent-down') return r.reason === 'restart';
  }
  return false;
}

/** The plan event behind the request at history[i]: an `upgrade` is recorded right after its
 *  request; a chained upgrade was armed earlier with the version it asks for. */
function requester(
  history: History,
  i: number,
  requested: string | undefined,
  chained: { index: number; version: string }[],
): number | undefined {
  const next = history[i + 1];
  if (next?.type === 'event' && next.t === history[i]!.t && next.event.kind === 'upgrade') return next.index;
  const k = chained.findIndex((c) => c.version === requested);
  return k < 0 ? undefined : chained.splice(k, 1)[0]!.index;
}

/** The version running at time t. */
export function runningAt(obs: Observations, t: number): string | undefined {
  let running: string | undefined;
  for (const [at, v] of obs.versions) if (at <= t) running = v;
  return running;
}

/** The next version after `version` among those the run named (Redqueen's "operand + 1"). */
export function successor(obs: Observations, version: string | undefined): string | undefined {
  if (version === undefined) return obs.dictionary[0];
  return obs.dictionary.find((v) => compareVersions(v, version) > 0);
}

/**
 * `event` asking for the version after the one running at t, if it names a version; an upgrade
 * to it comes with the publish it needs (else the controller refuses it: no tools). The bootstrap
 * (whose implicit upgrade is its request) asks as an `upgrade` does. Other events are themselves.
 */
export function withNextVersion(event: PlanEvent, obs: Observations, t: number): PlanEvent[] {
  if (event.kind === 'bootstrap') return withNextVersion({ kind: 'upgrade' }, obs, t);
  if (event.kind !== 'upgrade' && event.kind !== 'publish' && event.kind !== 'chained-upgrade') return [event];
  const next = successor(obs, runningAt(obs, t));
  if (next === undefined) return [event];
  if (event.kind !== 'upgrade') return [{ ...event, version: next }];
  return [
    { kind: 'publish', version: next },
    { kind: 'upgrade', version: next },
  ];
}

/**
 * `plan` with `events` played at time t exactly: the wait that spans t is split around them, and a
 * plan that ends before t gets a wait to t first. Every other event keeps its time.
 */
export function insertAt(plan: Plan, t: number, events: readonly PlanEvent[]): Plan {
  const out: Plan = [];
  let end = 0;
  let done = false;
  for (const { at, event } of timeline(plan)) {
    if (!done && at >= t) {
      out.push(...events);
      done = true;
    }
    if (!done && event.kind === 'wait' && at + event.durationMs > t) {
      out.push({ kind: 'wait', durationMs: t - at }, ...events, {
        kind: 'wait',
        durationMs: at + event.durationMs - t,
      });
      done = true;
      continue;
    }
    if (event.kind === 'wait') end = at + event.durationMs;
    out.push(event);
  }
  if (!done) {
    if (t > end) out.push({ kind: 'wait', durationMs: t - end });
    out.push(...events);
  }
  return out.filter((e) => e.kind !== 'wait' || e.durationMs > 0);
}

/**
 * Whether doing `cause` again can change anything: its effect settled, and an upgrade request has
 * a newer version to ask for then (Redqueen's "operand + 1" needs a value above the operand: asked
 * for the newest version the run knows again, the controller refuses the request as not newer).
 */
export function repeatable(obs: Observations, cause: Cause): boolean {
  if (cause.settled === undefined) return false;
  return cause.effect !== 'upgrade' || successor(obs, runningAt(obs, cause.settled + 1)) !== undefined;
}

/**
 * `cause` (else one of the parent's repeatable causes, at random) done again 1 ms after its
 * effect settled: an upgrade asked again once the upgrade ended, for the version after the one
 * running then; a restart once the agent is back up. The inserted events come with the plan;
 * undefined when no cause is repeatable.
 */
export function again(
  plan: Plan,
  obs: Observations,
  rng: Rng,
  cause?: Cause,
): { plan: Plan; events: PlanEvent[] } | undefined {
  const settled = obs.causes.filter((c) => repeatable(obs, c));
  const chosen = cause ?? (settled.length > 0 ? settled[rng.int(0, settled.length - 1)] : undefined);
  if (chosen?.settled === undefined) return undefined;
  const t = chosen.settled + 1;
  const events = withNextVersion(plan[chosen.index]!, obs, t);
  return { plan: insertAt(plan, t, events), events };
}
