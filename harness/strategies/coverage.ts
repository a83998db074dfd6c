/**
 * coverage: coverage-guided exploration, the way AFL and Antithesis steer toward what was not yet
 * seen. Every case is run on the sim and its history read for coverage (harness/coverage.ts
 * `features`: the abstract states visited, upgrade phase × each client's connection, watch and
 * deploy state × fault in force, each event with the state it landed in, pairs of consecutive
 * events, and cells: how far the run got, upgrade phase × upgrades started × crashes in the current
 * upgrade × connections the client lost). A case that reaches a feature no earlier case reached
 * joins the corpus.
 *
 * Later cases are mostly mutants. First come input-to-state mutants (AGAIN_SHARE), each of an
 * entry's causes done again once, as AFL runs a new entry's deterministic stages before havoc.
 * Of the others, most branch from a cell, as Go-Explore and Antithesis do: a cell
 * is chosen with weight 1 / (cases that reached it)², so rare cells (the frontier: a third upgrade,
 * a second crash in one upgrade, a sixth lost connection) get the effort; the first case that
 * reached it is replayed up to that moment (compacted) and fresh events follow, often one of them
 * the event that led there done once more (as it was, or of the same kind with fresh arguments:
 * a chained upgrade to the version it already went to is a no-op, one to the next is a step).
 * A parent whose events leave no room (a full-length plan, a cell reached after the plan's last
 * event) loses a few at random so that a branch always adds some. Each step deeper is a new cell,
 * rare again, so a story that needs many specific events is built one step at a time instead of
 * drawn whole. The other
 * mutants are a havoc stack of 1 to 4 of: insert an event, delete one, duplicate a stretch, splice
 * with another entry, shift a wait or a partition, change an event's client, swap neighbours,
 * change the sim seed, on a corpus entry chosen by the rarity of what it reached first (the sum
 * over those features of 1 / how many cases reached it). Some cases are fresh plans drawn as
 * `random` draws them, but as long as allowed (FRESH_FIRST says why). Nothing here knows any
 * property or bug: only what the history shows was reached.
 *
 * Replay. fast-check regenerates a case at a path from the seed alone, without running the cases
 * before it; a feedback-driven generator cannot work that way, because case n depends on what
 * cases 0..n-1 reached. So the corpus is kept as a deterministic function of the seed and of the
 * previous cases run on the sim (itself deterministic): case n is computed by a generator that
 * first computes (and runs) cases 0..n-1, memoised per exploration. The cases reach fast-check as
 * its `examples`, through an array that computes an element when it is
 * read (lazy-examples.ts): the path of the n-th case is "n", shrinking is the plan shrinker's, and
 * `replay --strategy coverage --seed S --path n:...` recomputes cases 0..n (n sim runs, then the
 * shrink steps). The sim run the generator does is handed to explore (`resultOf`), so a case is
 * not run twice.
 *
 * Workers: the n-th case needs the runs of all the cases before it, so this strategy's cases
 * cannot be split across workers by index; a worker that must produce case n recomputes 0..n.
 */
import fc from 'fast-check';
import { eventArbitrary, planArbitrary, withBootstrap } from '../arbitraries.ts';
import { CELL, features } from '../coverage.ts';
import { timeline, type Plan, type PlanEvent } from '../plan.ts';
import { seededRng, type Rng } from '../rng.ts';
import type { RunConfig } from '../run-config.ts';
import { runSim, type RunResult } from '../runner.ts';
import { again, observe, repeatable, type Cause, type Observations } from './input-to-state.ts';
import { lazyExamples } from './lazy-examples.ts';
import { withPlanShrinker } from './plan-shrinker.ts';
import { withSimSeed, type Case, type CaseSourceOptions, type Strategy } from './strategy.ts';

/**
 * Fresh cases before any mutant: the corpus needs something to start from. Fresh cases have the
 * most events allowed (maxEvents), not random's any length up to it: a sim run costs little more
 * for a longer plan, a longer story reaches further, and the shrinker makes a counterexample short
 * again. (Over 3,000 random cases of the bench's gate-first-upgrades-only, plans of 20 events
 * found the bug 9 % of the time, of 15 to 19 events 2.9 %, of 10 to 14 events 1 %; with
 * full-length fresh cases the coverage strategy's median over 40 seeds went from 54 runs to 15.)
 */
const FRESH_FIRST = 2;
/** After those, the share of fresh cases (the rest are mutants). Two fresh cases first and a third
 *  of fresh cases after (instead of ten and a fifth) start the causes' queue (AGAIN_SHARE) early
 *  and keep feeding it: a fresh plan of gate-first-upgrades-only brings an upgrade that can be asked
 *  again for a newer version 17 % of the time (1.24.2, then 1.24.3: 1.25.0 is left), and that
 *  mutant almost always makes a third upgrade (README, "Benchmarks"). */
const FRESH_SHARE = 0.35;
/** Most mutations stacked on one mutant (AFL's havoc stacks several). */
const MAX_STACK = 4;
const MAX_SIM_SEED = 0x7fffffff;
/** The share of mutants that branch from a cell (the rest are havoc). */
const BRANCH_SHARE = 0.8;
/** How sharply a cell's chance falls with the cases that reached it: weight 1 / reached^RARITY_POWER.
 *  Squared, a cell reached by one case is chosen 100 times as often as one reached by ten: the
 *  frontier gets the effort, and a cell's weight falls as its own branches reach it again. */
const RARITY_POWER = 2;
/** The share of branches whose fresh events do again what the parent did just before its news. */
const ECHO_SHARE = 0.5;
/** The fewest fresh events a branch adds: a longer prefix loses events (at random) to make room.
 *  Without it a branch from a full-length parent, or from a cell reached after its last event,
 *  was the parent again, compacted. */
const MIN_ROOM = 3;
/**
 * Input-to-state mutants (input-to-state.ts) do one of a parent's causes again right when its
 * effect settled. Each repeatable cause is tried once, before any other mutant, as AFL runs a new
 * queue entry's deterministic stages before havoc: the newest first (depth first: a cause done
 * again makes a new entry, whose causes go next), the effect (upgrade, restart) chosen at random
 * first, so that one effect's long chains do not bury the other's. Once every cause was tried,
 * this share of mutants does a random one again.
 */
const AGAIN_SHARE = 0.4;

interface Entry {
  case: Case;
  /** The features this case reached first, with when (ms into the run) it reached each: where a
   *  branch from it starts. */
  news: readonly (readonly [feature: string, t: number])[];
  /** How often it was chosen as a parent (its energy decays with it, as in AFL). */
  picks: number;
  /** The plan indexes of events the target did not apply (they found nothing to act on). */
  noOps: ReadonlySet<number>;
  /** What its run showed that input-to-state mutants reuse. */
  obs: Observations;
}

/** A cell (coverage.ts `features`): how far a run got, with the first case that got there. */
interface Cell {
  name: string;
  entry: Entry;
  /** When (ms into the run) that case first reached the cell: where branches from it start. */
  t: number;
}

/** The exploration's cases, computed in order and kept: the n-th is a function of the seed and
 *  of the n cases before it, as they ran on the sim. */
class CoverageGenerator {
  private readonly cases: Case[] = [];
  private readonly corpus: Entry[] = [];
  /** Corpus entries with a cause whose effect settled (input-to-state.ts). */
  private readonly withCauses: Entry[] = [];
  /** Causes not yet done again, by their effect, newest last: the next `again` mutant takes the
   *  newest of an effect chosen at random. */
  private readonly causes = new Map<Cause['effect'], [Entry, Cause][]>();
  /** The cells reached so far, each with the first case that reached it and when. */
  private readonly cells: Cell[] = [];
  /** How many cases reached each feature. */
  private readonly seen = new Map<string, number>();
  private readonly rng: Rng;
  private readonly events: fc.Arbitrary<PlanEvent>;
  private readonly fresh: fc.Arbitrary<Plan>;
  private readonly maxEvents: number;
  private last: { case: Case; result: RunResult } | undefined;
  /** Events of one kind, for echoes with fresh arguments. */
  private readonly kinds = new Map<PlanEvent['kind'], fc.Arbitrary<PlanEvent>>();

  constructor(
    private readonly config: RunConfig,
    private readonly options: CaseSourceOptions,
  ) {
    this.rng = seededRng(options.seed).fork('coverage');
    this.maxEvents = Math.max(1, options.maxEvents ?? config.scenario.maxEvents);
    this.events = eventArbitrary(config.scenario, options.weights);
    // Fresh cases as long as allowed: see FRESH_FIRST.
    this.fresh = planArbitrary(config.scenario, { ...options, minEvents: this.maxEvents });
  }

  /** The n-th case (0-based), computing the ones before it if need be. */
  at(n: number): Case {
    while (this.cases.length <= n) this.cases.push(this.nextCase());
    return this.cases[n]!;
  }

  /** The sim run of `c` if it was the last case generated (explore runs each case right after). */
  resultOf(c: Case): RunResult | undefined {
    return this.last?.case === c ? this.last.result : undefined;
  }

  private nextCase(): Case {
    const n = this.cases.length;
    const c: Case =
      n < FRESH_FIRST || this.corpus.length === 0 || this.rng.chance(FRESH_SHARE) ? this.freshCase() : this.mutant();
    this.learn(c);
    return c;
  }

  private learn(c: Case): void {
    const result = runSim(this.config, c[0], c[1]);
    this.last = { case: c, result };
    const news: [string, number][] = [];
    for (const [f, t] of features(result.history)) {
      const count = this.seen.get(f) ?? 0;
      if (count === 0) news.push([f, t]);
      this.seen.set(f, count + 1);
    }
    if (news.length === 0) return;
    const obs = observe(result.history, this.config.scenario.versions);
    const entry: Entry = { case: c, news, picks: 0, noOps: noOpsOf(result), obs };
    this.corpus.push(entry);
    const repeatables = obs.causes.filter((cause) => repeatable(obs, cause));
    if (repeatables.length > 0) this.withCauses.push(entry);
    for (const cause of repeatables) {
      if (!this.causes.has(cause.effect)) this.causes.set(cause.effect, []);
      this.causes.get(cause.effect)!.push([entry, cause]);
    }
    for (const [name, t] of news) if (name.startsWith(CELL)) this.cells.push({ name, entry, t });
  }

  /** The event again: as it was, or (half the time) of the same kind with fresh arguments. */
  private echo(event: PlanEvent): PlanEvent {
    if (this.rng.chance(0.5)) return event;
    let sameKind = this.kinds.get(event.kind);
    if (!sameKind) this.kinds.set(event.kind, (sameKind = eventArbitrary(this.config.scenario, { [event.kind]: 1 })));
    return this.draw(sameKind);
  }

  /** A draw of fast-check's own from a seed of ours: the same plans `random` makes. */
  private draw<T>(arbitrary: fc.Arbitrary<T>): T {
    return fc.sample(arbitrary, { numRuns: 1, seed: this.rng.int(0, MAX_SIM_SEED) })[0]!;
  }

  private freshCase(): Case {
    return [this.draw(this.fresh), this.rng.int(0, MAX_SIM_SEED)];
  }

  /** A parent chosen by the rarity of what it reached first, less so the more it was chosen. */
  private parent(): Entry {
    const chosen = this.weighted(this.corpus, (e) => this.rarity(e.news) / Math.sqrt(1 + e.picks));
    chosen.picks++;
    return chosen;
  }

  /** A cell chosen by its rarity: the fewer cases reached it, the likelier (the frontier). */
  private cell(): Cell {
    return this.weighted(this.cells, (c) => (this.seen.get(c.name) ?? 1) ** -RARITY_POWER);
  }

  /** How rare features are: the sum of 1 / how many cases reached each. */
  private rarity(news: readonly (readonly [string, number])[]): number {
    return news.reduce((w, [f]) => w + 1 / (this.seen.get(f) ?? 1), 0);
  }

  private weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const weights = items.map(weight);
    let x = this.rng.next() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return items[i]!;
    return items[items.length - 1]!;
  }

  private mutant(): Case {
    const effects = [...this.causes.values()].filter((q) => q.length > 0);
    if (effects.length > 0 || (this.withCauses.length > 0 && this.rng.chance(AGAIN_SHARE))) {
      const queued = effects.length > 0 ? effects[this.rng.int(0, effects.length - 1)]!.pop() : undefined;
      const parent = queued?.[0] ?? this.withCauses[this.rng.int(0, this.withCauses.length - 1)]!;
      const mutant = this.again(parent, queued?.[1]);
      if (mutant) return mutant;
    }
    if (this.cells.length > 0 && this.rng.chance(BRANCH_SHARE)) {
      const cell = this.cell();
      return this.branch(cell.entry, cell.t);
    }
    return this.havoc(this.parent());
  }

  /**
   * Antithesis's move: go back to the moment `cut` when the parent first reached a cell and try
   * something else from there. The parent's events
   * up to that moment replay as before, since every part of the sim draws from its own stream;
   * fresh events follow. Half the time one of them is the parent's last event again (what led to
   * something new, done once more: a second crash, another upgrade, one more reconnect), as AFL's
   * hit counts reward a branch taken again.
   */
  private branch(parent: Entry, cut: number): Case {
    const prefix = prefixUntil(parent, cut);
    let at = prefix.findIndex((e) => e.kind === 'bootstrap');
    const body = prefix.filter((e) => e.kind !== 'bootstrap');
    // A parent that used every event (or a cell reached after the plan) leaves no room: drop some.
    while (body.length > 0 && this.maxEvents - 1 - body.length < MIN_ROOM)
      body.splice(this.rng.int(0, body.length - 1), 1);
    const room = this.maxEvents - 1 - body.length;
    const suffix = Array.from({ length: room > 0 ? this.rng.int(1, room) : 0 }, () => this.draw(this.events));
    const last = [...body].reverse().find((e) => e.kind !== 'wait');
    if (last && suffix.length > 0 && this.rng.chance(ECHO_SHARE))
      suffix.splice(this.rng.int(0, Math.min(2, suffix.length - 1)), 1, this.echo(last));
    if (at < 0) at = this.rng.int(body.length, body.length + suffix.length);
    return this.finished([...body, ...suffix], at, parent.case[1]);
  }

  /**
   * Input-to-state (Redqueen over the history): the parent with one of its causes done again the
   * moment its effect settled (input-to-state.ts `again`), every other event at its time. Events
   * the target did not apply make room first, then others at random (never the bootstrap, a wait
   * or the events added), so that the rest keeps its times.
   */
  private again(parent: Entry, cause: Cause | undefined): Case | undefined {
    const done = again(parent.case[0], parent.obs, this.rng, cause);
    if (!done) return undefined;
    const added = new Set(done.events);
    const noOps = new Set(parent.case[0].filter((_, i) => parent.noOps.has(i)));
    let plan = done.plan.filter((e) => !noOps.has(e));
    while (plan.length > this.maxEvents) {
      const droppable = plan.flatMap((e, i) =>
        e.kind === 'bootstrap' || e.kind === 'wait' || added.has(e) ? [] : [i],
      );
      const i = droppable.length > 0 ? droppable[this.rng.int(0, droppable.length - 1)]! : plan.length - 1;
      plan = [...plan.slice(0, i), ...plan.slice(i + 1)];
    }
    const at = plan.findIndex((e) => e.kind === 'bootstrap');
    return this.finished(
      plan.filter((e) => e.kind !== 'bootstrap'),
      Math.max(0, at),
      parent.case[1],
    );
  }

  /** AFL's havoc: a stack of small changes anywhere in the plan. */
  private havoc(parent: Entry): Case {
    const [plan, simSeed] = parent.case;
    let body: PlanEvent[] = plan.filter((e) => e.kind !== 'bootstrap');
    let at = plan.findIndex((e) => e.kind === 'bootstrap');
    let seed = simSeed;
    const stack = this.rng.int(1, MAX_STACK);
    for (let i = 0; i < stack; i++) {
      const op = this.rng.int(0, 8);
      if (op === 8) seed = this.rng.int(0, MAX_SIM_SEED);
      else if (op === 7) at = this.rng.int(0, body.length);
      else body = this.mutate(op, body);
    }
    return this.finished(body, at, seed);
  }

  /** A valid case: at most maxEvents events, one bootstrap, distinct application names. */
  private finished(body: PlanEvent[], at: number, simSeed: number): Case {
    const kept = body.slice(0, this.maxEvents - 1);
    return [withBootstrap(unsuffixed(kept), Math.min(at, kept.length)), simSeed];
  }

  /** One havoc step on the plan without its bootstrap. */
  private mutate(op: number, body: PlanEvent[]): PlanEvent[] {
    const i = this.rng.int(0, Math.max(0, body.length - 1));
    switch (op) {
      case 0: // insert a fresh event
        return insert(body, this.rng.int(0, body.length), [this.draw(this.events)]);
      case 1: // delete one
        return body.length > 0 ? [...body.slice(0, i), ...body.slice(i + 1)] : body;
      case 2: {
        // duplicate a stretch right after itself (a second upgrade, a second reconnect...)
        const end = this.rng.int(i, Math.min(body.length, i + 4));
        return insert(body, end, body.slice(i, end));
      }
      case 3: {
        // splice: this plan's head, another entry's tail
        const other = this.corpus[this.rng.int(0, this.corpus.length - 1)]!.case[0].filter(
          (e) => e.kind !== 'bootstrap',
        );
        return [...body.slice(0, this.rng.int(0, body.length)), ...other.slice(this.rng.int(0, other.length))];
      }
      case 4: // shift timing: a wait, a partition or a pause longer or shorter
        return body.map((e, j) => (j === i ? this.retimed(e) : e));
      case 5: // the same event from another client
        return body.map((e, j) => (j === i && 'client' in e ? { ...e, client: this.otherClient(e.client) } : e));
      default: // swap neighbours
        return i + 1 < body.length ? [...body.slice(0, i), body[i + 1]!, body[i]!, ...body.slice(i + 2)] : body;
    }
  }

  private retimed(e: PlanEvent): PlanEvent {
    const scale = [0.25, 0.5, 2, 4][this.rng.int(0, 3)]!;
    if (e.kind === 'wait') return { ...e, durationMs: clamp(Math.round(e.durationMs * scale), 100, 30_000) };
    if (e.kind === 'partition' || e.kind === 'pause' || e.kind === 'slow')
      return { ...e, durationMs: clamp(Math.round(e.durationMs * scale), 1_000, 60_000) };
    return { kind: 'wait', durationMs: this.rng.int(100, 30_000) }; // no time of its own: a wait instead
  }

  private otherClient(client: number): number {
    const clients = this.config.scenario.clients;
    return clients <= 1 ? client : (client + this.rng.int(1, clients - 1)) % clients;
  }
}

/**
 * The parent's events up to time `cut` (a wait that spans it cut short), compacted so that the
 * branch has room for fresh events: events the target did not apply are left out (they changed
 * nothing), and waits in a row become one wait (time adds up).
 */
function prefixUntil(parent: Entry, cut: number): PlanEvent[] {
  const prefix: PlanEvent[] = [];
  for (const [i, { at, event }] of timeline(parent.case[0]).entries()) {
    if (at > cut) break;
    if (parent.noOps.has(i)) continue;
    const step = event.kind === 'wait' && at + event.durationMs > cut ? { ...event, durationMs: cut - at } : event;
    const before = prefix[prefix.length - 1];
    if (step.kind === 'wait' && before?.kind === 'wait')
      prefix[prefix.length - 1] = { ...before, durationMs: before.durationMs + step.durationMs };
    else if (step.kind !== 'wait' || step.durationMs > 0) prefix.push(step);
    if (step !== event) break;
  }
  return prefix;
}

function noOpsOf(result: RunResult): Set<number> {
  const noOps = new Set<number>();
  for (const r of result.history) if (r.type === 'event' && !r.applied) noOps.add(r.index);
  return noOps;
}

function insert(body: readonly PlanEvent[], at: number, events: readonly PlanEvent[]): PlanEvent[] {
  return [...body.slice(0, at), ...events, ...body.slice(at)];
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/** Deploys and removes under their base names again: withBootstrap numbers them afresh. */
function unsuffixed(body: readonly PlanEvent[]): PlanEvent[] {
  return body.map((e) => (e.kind === 'deploy' || e.kind === 'remove' ? { ...e, app: e.app.replace(/-\d+$/, '') } : e));
}

export const coverageStrategy: Strategy = {
  name: 'coverage',
  summary: 'coverage-guided: mutates the cases that reached a state no case had reached (AFL style)',
  cases: (config, options) => {
    const generator = new CoverageGenerator(config, options);
    return {
      arbitrary: withSimSeed(withPlanShrinker(planArbitrary(config.scenario, options))),
      examples: lazyExamples(options.runs, (n) => generator.at(n)),
      maxRuns: options.runs,
      resultOf: (c) => generator.resultOf(c),
    };
  },
};
