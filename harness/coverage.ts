/**
 * Coverage: what a run reached, read from its history alone (a pure function, like a property).
 *
 * The abstract state of a run at any instant is
 *   upgrade phase × each client's state × fault in force
 * where
 * - the upgrade phase is `before-bootstrap`, `idle` (bootstrapped, no upgrade yet), `pending`
 *   (upgrade-pending seen, no download finished), `downloading` (a download failed: retrying),
 *   `agent-down` (the agent restarts, for an upgrade or a crash), `steps` (upgrade steps running)
 *   or `done` (an upgrade ended; a later upgrade starts the cycle again);
 * - a client's state is its connection (`offline`, `logging-in`: connected but not logged in yet,
 *   `connected`: logged in), plus `watching` while it has a live watcher, `deploying` while a
 *   deploy it was asked for has no answer, and `partitioned` while a partition holds its traffic;
 * - the fault in force is `none`, or those of `crash` (the agent restarts because of a `restart`
 *   event), `pause` (the controller is frozen by a `pause` event), `partition` (some client is
 *   partitioned) and `slow` (some client's link is slowed by a `slow` event) in force, joined by `+`.
 *
 * Each plan event (an `event` record) is counted at the state it landed in: the state just before
 * the records it caused, i.e. before anything else happened at its instant (but after `run-start`,
 * which names the clients) or after the previous event, whichever is later. Client-targeted events
 * (deploy, disconnect, partition..., and an upgrade tied to a client's moment, counted in a row of its
 * own per moment: `upgrade@deploy-received`) count their client's state; the others count every client's.
 * So a client-targeted event is in exactly one of `offline`, `logging-in`, `connected`, an event
 * that names no client in one per client, and `watching`, `deploying`, `partitioned` count some of
 * those again (a connected client may be watching and deploying at once).
 *
 * `caseCoverage` gives one run's coverage; `mergeCoverage` adds them up (in any order: it is a sum
 * of counts and a union of sets, so cases may be covered in workers and merged). The coverage
 * strategy (strategies/coverage.ts) steers by `features`, the same facts as flat strings.
 */
import type { History, HistoryRecord } from './history.ts';
import { activityTie, clientName, type PlanEvent } from './plan.ts';

export const UPGRADE_PHASES = [
  'before-bootstrap',
  'idle',
  'pending',
  'downloading',
  'agent-down',
  'steps',
  'done',
] as const;
export type UpgradePhase = (typeof UPGRADE_PHASES)[number];

/** The facets of a client's state that events are counted by. */
export const CLIENT_FACETS = ['offline', 'logging-in', 'connected', 'watching', 'deploying', 'partitioned'] as const;
export type ClientFacet = (typeof CLIENT_FACETS)[number];

export interface EventCoverage {
  /** Events of this kind in the plans run. */
  total: number;
  /** Of those, how many the target applied (the others found nothing to act on). */
  applied: number;
  /** How many landed in each upgrade phase. */
  phases: Partial<Record<UpgradePhase, number>>;
  /** How many landed while the client (each client, for events that name none) was in each facet. */
  clients: Partial<Record<ClientFacet, number>>;
}

export interface Coverage {
  /** Runs covered. */
  runs: number;
  /** Per event kind. */
  events: Record<string, EventCoverage>;
  /** Abstract states visited (phase | client states | fault), with how many runs visited each. */
  states: Record<string, number>;
  /** The client is a program (--client-cmd) whose connections, logins and watchers the harness does
   *  not observe: the client facets are unknown, not "offline" (reports/coverage.ts unobservedClients). */
  clientStates?: 'not-observed';
}

interface ClientState {
  /** Connections lost so far (features count them in buckets). */
  losses: number;
  conn: 'offline' | 'logging-in' | 'connected';
  /** Open connection ids (a client may briefly hold two while reconnecting). */
  conns: Set<number>;
  watchers: Set<string>;
  pendingOps: Set<number>;
  partitioned: boolean;
  /** A `slow` link delays its traffic (fault-start slow .. fault-end). */
  slow: boolean;
}

/** Walks a history, keeping the abstract state current. */
class StateWalker {
  phase: UpgradePhase = 'before-bootstrap';
  /** Upgrades started so far (features count them in buckets). */
  upgrades = 0;
  /** Agent crashes (restart events) since the current upgrade started, or since bootstrap. */
  crashes = 0;
  private phaseBeforeDown: UpgradePhase = 'idle';
  crash = false;
  /** The controller is paused (a `pause` plan event's fault-start .. fault-end). */
  paused = false;
  /** The controller is killed, not yet started again (a `crash` plan event's fault-start .. fault-end). */
  killed = false;
  readonly clients = new Map<string, ClientState>();

  client(name: string): ClientState {
    let c = this.clients.get(name);
    if (!c) {
      c = {
        losses: 0,
        conn: 'offline',
        conns: new Set(),
        watchers: new Set(),
        pendingOps: new Set(),
        partitioned: false,
        slow: false,
      };
      this.clients.set(name, c);
    }
    return c;
  }

  apply(r: HistoryRecord): void {
    switch (r.type) {
      case 'run-start':
        for (const name of r.params.clients) this.client(name);
        return;
      case 'bootstrap':
        this.phase = 'idle';
        return;
      case 'upgrade-pending':
        if (this.phase !== 'pending' && this.phase !== 'downloading') {
          this.upgrades++;
          this.crashes = 0;
        }
        this.phase = 'pending';
        return;
      case 'download':
        if (!r.ok) this.phase = 'downloading';
        return;
      case 'agent-down':
        if (this.phase !== 'agent-down') this.phaseBeforeDown = this.phase;
        this.phase = 'agent-down';
        this.crash = r.reason !== 'upgrade';
        if (this.crash) this.crashes++;
        return;
      case 'agent-up':
        // A crash mid-upgrade resumes it; an upgrade's restart is followed by `version` and steps.
        this.phase = this.phaseBeforeDown === 'downloading' ? 'pending' : this.phaseBeforeDown;
        this.crash = false;
        return;
      case 'upgrade-steps':
        this.phase = 'steps';
        return;
      case 'upgrade-end':
        this.phase = 'done';
        return;
      default:
        this.applyClient(r);
    }
  }

  private applyClient(r: HistoryRecord): void {
    switch (r.type) {
      case 'client-conn': {
        const c = this.client(r.client);
        if (r.state === 'open') c.conns.add(r.conn);
        else if (c.conns.delete(r.conn)) c.losses++;
        c.conn = c.conns.size === 0 ? 'offline' : c.conn === 'offline' ? 'logging-in' : c.conn;
        if (c.conns.size === 0) c.watchers.clear();
        return;
      }
      case 'login':
        if (r.ok && this.client(r.client).conns.size > 0) this.client(r.client).conn = 'connected';
        return;
      case 'watcher-start':
        this.client(r.client).watchers.add(r.watcher);
        return;
      case 'watcher-stop':
        this.client(r.client).watchers.delete(r.watcher);
        return;
      case 'invoke':
        this.client(r.client).pendingOps.add(r.op);
        return;
      case 'ok':
      case 'fail':
      case 'info':
        this.client(r.client).pendingOps.delete(r.op);
        return;
      case 'fault-start':
        if (r.fault === 'pause') this.paused = true;
        else if (r.fault === 'crash') this.killed = true;
        else if (r.fault === 'slow') this.client(r.client).slow = true;
        else this.client(r.client).partitioned = true;
        return;
      case 'fault-end':
        if (r.fault === 'pause') this.paused = false;
        else if (r.fault === 'crash') this.killed = false;
        else if (r.fault === 'slow') this.client(r.client).slow = false;
        else this.client(r.client).partitioned = false;
        return;
    }
  }

  facets(name: string): ClientFacet[] {
    const c = this.client(name);
    const facets: ClientFacet[] = [c.conn];
    if (c.watchers.size > 0) facets.push('watching');
    if (c.pendingOps.size > 0) facets.push('deploying');
    if (c.partitioned) facets.push('partitioned');
    return facets;
  }

  fault(): string {
    const clients = [...this.clients.values()];
    const faults = [
      this.crash && 'crash',
      this.killed && 'killed',
      this.paused && 'pause',
      clients.some((c) => c.partitioned) && 'partition',
      clients.some((c) => c.slow) && 'slow',
    ].filter(Boolean);
    return faults.length > 0 ? faults.join('+') : 'none';
  }

  /** The abstract state as one string: phase | client-0 facets, client-1 facets | fault. */
  key(): string {
    const clients = [...this.clients.keys()].map((name) => this.facets(name).join('+'));
    return `${this.phase} | ${clients.join(', ')} | ${this.fault()}`;
  }
}

/** A snapshot of what an event is counted by. */
interface Landing {
  phase: UpgradePhase;
  /** Upgrades started so far (features tag events with it). */
  upgrades: number;
  facets: Map<string, ClientFacet[]>;
}

function landing(walker: StateWalker): Landing {
  return {
    phase: walker.phase,
    upgrades: walker.upgrades,
    facets: new Map([...walker.clients.keys()].map((n) => [n, walker.facets(n)])),
  };
}

/**
 * Where a tied upgrade's event record lands: the client's moment comes at an instant where the
 * client's own records (its WatchAll accepted, its watcher started) come first, so "before
 * anything else at its instant" would put an upgrade tied to the gap after a WatchAll before the
 * watcher. It lands where its own records start instead: just before the upgrade-requested it
 * wrote (`beforeRequest`, taken at the last upgrade-requested record, at the event's instant).
 */
function tiedLanding(
  r: HistoryRecord & { type: 'event' },
  beforeRequest: { t: number; at: Landing } | undefined,
  before: Landing,
): Landing {
  const tied = (r.event.kind === 'upgrade' || r.event.kind === 'chained-upgrade') && r.event.when !== undefined;
  return tied && beforeRequest?.t === r.t ? beforeRequest.at : before;
}

function emptyEvent(): EventCoverage {
  return { total: 0, applied: 0, phases: {}, clients: {} };
}

/**
 * The row an event is counted in: its kind, or for an upgrade tied to a client's API moment its
 * kind and moment (`upgrade@deploy-received`): what it is for is where it lands, so each moment is
 * a row of its own. Faults tied to a moment count as their kind.
 */
export function coverageKind(event: PlanEvent): string {
  if ((event.kind !== 'upgrade' && event.kind !== 'chained-upgrade') || !event.when) return event.kind;
  return `${event.kind}@${event.when.on}`;
}

/** The client an event concerns (a tied upgrade's is the one whose moment it waits for), if any. */
function eventClient(event: PlanEvent): string | undefined {
  if ('client' in event && typeof event.client === 'number') return clientName(event.client);
  const tie = activityTie(event);
  return tie && (event.kind === 'upgrade' || event.kind === 'chained-upgrade') ? clientName(tie.client) : undefined;
}

function countEvent(events: Record<string, EventCoverage>, r: HistoryRecord & { type: 'event' }, at: Landing): void {
  const e = (events[coverageKind(r.event)] ??= emptyEvent());
  e.total++;
  if (r.applied) e.applied++;
  e.phases[at.phase] = (e.phases[at.phase] ?? 0) + 1;
  const target = eventClient(r.event);
  for (const [name, facets] of at.facets) {
    if (target !== undefined && name !== target) continue;
    for (const f of facets) e.clients[f] = (e.clients[f] ?? 0) + 1;
  }
}

/** One run's coverage: each event at the state it landed in, and every abstract state visited. */
export function caseCoverage(history: History): Coverage {
  const walker = new StateWalker();
  const events: Record<string, EventCoverage> = {};
  const states: Record<string, number> = {};
  let t = Number.NEGATIVE_INFINITY;
  let before = landing(walker);
  let beforeRequest: { t: number; at: Landing } | undefined;
  let key = '';
  for (const r of history) {
    if (r.type === 'quiescence') break; // the liveness phase is the harness's, not the plan's
    if (r.t !== t) {
      t = r.t;
      before = landing(walker);
    }
    if (r.type === 'event') {
      countEvent(events, r, tiedLanding(r, beforeRequest, before));
      before = landing(walker);
      continue;
    }
    if (r.type === 'upgrade-requested') beforeRequest = { t: r.t, at: landing(walker) };
    walker.apply(r);
    // run-start names the clients: an event at its instant (a bootstrap or deploy at t=0) lands in
    // their state (offline), not in a state with no client at all, which no column counts.
    if (r.type === 'run-start') before = landing(walker);
    const next = walker.key();
    if (next !== key) states[(key = next)] = 1;
  }
  return { runs: 1, events, states };
}

/** `into` plus `more` (counts added, state visits summed); returns `into`. */
export function mergeCoverage(into: Coverage, more: Coverage): Coverage {
  into.runs += more.runs;
  for (const [kind, e] of Object.entries(more.events)) {
    const to = (into.events[kind] ??= emptyEvent());
    to.total += e.total;
    to.applied += e.applied;
    for (const [p, n] of Object.entries(e.phases))
      to.phases[p as UpgradePhase] = (to.phases[p as UpgradePhase] ?? 0) + n;
    for (const [f, n] of Object.entries(e.clients))
      to.clients[f as ClientFacet] = (to.clients[f as ClientFacet] ?? 0) + n;
  }
  for (const [s, n] of Object.entries(more.states)) into.states[s] = (into.states[s] ?? 0) + n;
  return into;
}

export function emptyCoverage(): Coverage {
  return { runs: 0, events: {}, states: {} };
}

/**
 * One run's coverage as flat facts, for a strategy that steers toward what it has not seen. Each
 * abstract state is projected on one client at a time (phase × that client's state × fault: the
 * clients run the same script, so the full product mostly tells apart which client did what), each
 * event is taken with the state it landed in (its own client's, if it names one), and both are
 * tagged with how many upgrades have started; plus how many connections each client lost, how
 * often each event landed in the same state (`restart @ steps #1 |  ×2`: a second crash in the
 * same upgrade's steps) in AFL's hit-count buckets (1, 2, 3, 4-7, 8+), and the pairs of consecutive
 * applied events with the phases they landed in (AFL's edges: `restart@steps → deploy@steps`).
 *
 * Cells (named `cell …`) say how far the run got, per client: upgrade phase × upgrades started ×
 * crashes since the current upgrade started × connections that client lost
 * (`cell steps #1 crashed 2 | lost 3`). Their counts are exact up to 8 (then 9-15, 16+): each of the
 * first few repetitions of a fault is one step further, and a strategy that branches from the
 * rarest cells builds a long story one step at a time. Each feature comes with the time it was
 * first reached, so that a strategy can branch from that moment.
 *
 * The plan's part of the history (up to `quiescence`) is read for every feature; the closing
 * sequence only for the upgrade cells it reaches (`cell done #3 after the plan`). What the plan set
 * going may play out after its last event: a chained upgrade waits for the one before it, so over
 * 600 full-length plans of the bench's gate-first-upgrades-only a third upgrade started in 5.5 %,
 * mostly after the last event. A branch from such a cell is the whole plan with events added at
 * its end (strategies/coverage.ts), which is what the story needs: one step longer. Reading every
 * feature up to `quiet` was tried (session 5) and cost more than it gave: the closing sequence's
 * healing adds many states, and gate-lost-after-crash's median over 20 seeds went from 84 to 131.
 */
/** The prefix of the features that are cells (see `features`). */
export const CELL = 'cell ';

export function features(history: History): Map<string, number> {
  const walker = new StateWalker();
  const out = new Map<string, number>();
  const add = (f: string, t: number): void => {
    if (!out.has(f)) out.set(f, t);
  };
  // An event landing in a state is also counted (AFL's hit counts): a second crash inside the same
  // upgrade's steps is news, as a second taken branch is to AFL.
  const hits = new Map<string, number>();
  const hit = (f: string, t: number): void => {
    const n = (hits.get(f) ?? 0) + 1;
    hits.set(f, n);
    add(n === 1 ? f : `${f} ×${bucket(n)}`, t);
  };
  let t = Number.NEGATIVE_INFINITY;
  let before = landing(walker);
  let beforeRequest: { t: number; at: Landing } | undefined;
  let previous = '';
  const contextOf = (w: { phase: UpgradePhase; upgrades: number }): string => `${w.phase} #${bucket(w.upgrades)}`;
  let closing = false;
  for (const r of history) {
    if (r.type === 'quiescence') closing = true;
    if (closing) {
      walker.apply(r);
      add(`${CELL}${walker.phase} #${count(walker.upgrades)} after the plan`, r.t);
      continue;
    }
    if (r.t !== t) {
      t = r.t;
      before = landing(walker);
    }
    if (r.type === 'event') {
      const e = r.event;
      const at = tiedLanding(r, beforeRequest, before);
      const kind = coverageKind(e);
      const name = eventClient(e);
      const client = name === undefined ? '' : at.facets.get(name)?.join('+');
      hit(`${kind}${r.applied ? '' : '(no-op)'} @ ${contextOf(at)} | ${client}`, r.t);
      if (r.applied && e.kind !== 'wait') {
        const step = `${kind}@${at.phase}`;
        if (previous) add(`${previous} → ${step}`, r.t);
        previous = step;
      }
      before = landing(walker);
      continue;
    }
    if (r.type === 'upgrade-requested') beforeRequest = { t: r.t, at: landing(walker) };
    walker.apply(r);
    // As in caseCoverage: an event at run-start's instant lands in the state that names the clients.
    if (r.type === 'run-start') before = landing(walker);
    for (const [name, c] of walker.clients) {
      add(`${contextOf(walker)} | ${walker.facets(name).join('+')} | ${walker.fault()}`, r.t);
      add(
        `${CELL}${walker.phase} #${count(walker.upgrades)} crashed ${count(walker.crashes)} | lost ${count(c.losses)}`,
        r.t,
      );
    }
    if (r.type === 'client-conn' && r.state === 'closed') {
      for (const c of walker.clients.values()) add(`lost ${count(c.losses)} connections`, r.t);
    }
  }
  return out;
}

/** How many times the run did something: exact up to 8, then 9-15 and 16+. */
function count(n: number): string {
  return n <= 8 ? String(n) : n <= 15 ? '9-15' : '16+';
}

/** AFL's hit-count buckets. */
function bucket(n: number): string {
  return n <= 3 ? String(n) : n <= 7 ? '4-7' : '8+';
}
