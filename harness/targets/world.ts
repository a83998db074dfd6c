/**
 * What a plan's events act on. Every target (sim, process, container, external) offers these
 * actions; the runner plays a plan through them, so a plan means the same thing everywhere.
 */
import type { UpgradeRequest } from '../controller/api-types.ts';
import type { Scheduler } from '../clock.ts';
import type { Client } from '../clients/client.ts';
import type { HistoryBody, Recorder } from '../history.ts';
import type { ApiActivity } from '../controller/activity-triggers.ts';
import { clientName, timeline, upgradeRequest, type Plan, type PlanEvent } from '../plan.ts';

/** Whether an action did something (false: nothing to act on, e.g. no connection), with an
 *  optional note for the event record (e.g. why a controller refused). */
export type Applied = boolean | { applied: boolean; note?: string };
/** The sim acts at once; real targets act over the network, so an action may resolve later (its
 *  event record is written when it does). */
export type Action = Applied | Promise<Applied>;

export interface World {
  readonly clock: Scheduler;
  readonly history: Recorder;
  bootstrap(): Action;
  publish(version: string): Action;
  upgrade(request: UpgradeRequest): Action;
  restart(): Action;
  disconnect(client: string): Action;
  /** Blackhole the client for durationMs, then heal (the world schedules the heal). */
  partition(client: string, durationMs: number): Action;
  /** Every message between the client and the controller takes latencyMs more, for durationMs
   *  (plan.ts `slow`; the world schedules the end), order kept. */
  slow(client: string, durationMs: number, latencyMs: number): Action;
  /** The client's open connections go half-open for good (plan.ts `half-open`). */
  halfOpen(client: string): Action;
  /** The controller stops the client's live watchers, its connections staying up (plan.ts
   *  `stop-watcher`); a target that cannot says so in its note. */
  stopWatchers(client: string): Action;
  /** Freeze the controller for durationMs, then resume it (the world schedules the resume); a
   *  target that cannot (external) says so in its note. */
  pause(durationMs: number): Action;
  /** Kill (or, graceful, stop) the whole controller and start it again after downMs (the world
   *  schedules the start); it recovers from its durable state. A target that cannot says so. */
  crash(downMs: number, graceful: boolean): Action;
  deploy(client: string, app: string, units: number): Action;
  /** The client removes an application (Application.DestroyApplication). In a program's run the
   *  operator removes theirs, at the program's moment: tieOf ties it, and it is armed instead (arm). */
  remove(client: string, app: string): Action;
  /** The client stops its watcher and watches again. */
  rewatch(client: string): Action;
  /** Whether the controller is bootstrapped, up, and no upgrade is pending or running. */
  upgradeIdle(): boolean | Promise<boolean>;
  /**
   * Arms plan event `index`, a fault tied to `client`'s API activity (or the operator's removal tied
   * to a program's login: plan.ts `remove`): the controller fires it at that moment
   * (controller/activity-triggers.ts) and its event record is written then, or, if the plan ends
   * first, as not applied with the reason it never fired. A target that cannot arm it says so.
   */
  arm(index: number, event: PlanEvent, client: string, on: ApiActivity): Action;
  /** The client's API moment plan event `event` waits for here (armed at its time, applied at that
   *  moment: arm), or undefined for one applied at its time: activityTie(event), and in a program's
   *  run every `remove`, the operator's (plan.ts operatorRemovalTie). */
  tieOf(event: PlanEvent): { client: number; on: ApiActivity } | undefined;
  /** Plan events still waiting for their moment (chained-upgrade): quiescence waits for them. */
  readonly waiting: WaitingEvents;
}

/** A plan event tied to a client's API moment, as the run armed it (World.arm). */
export interface ArmedTie {
  index: number;
  event: PlanEvent;
  client: string;
  on: ApiActivity;
}

/**
 * The ties a run has armed that have not fired or been dropped yet, in the order armed. A tie is
 * the harness's instruction, not the controller's state: a crash kills the controller with what it
 * held in memory, its armed triggers among them, so the run keeps its ties here and arms them again
 * in the controller that starts next (and a tie drawn while the controller is down waits here for
 * it), on the sim and on a server alike. A server started again after a kill has its records back,
 * and arms again only a tie that none of them shows fired or dropped (history.ts eventRecorded).
 */
export class ArmedTies {
  private readonly ties = new Map<number, ArmedTie>();
  add(tie: ArmedTie): void {
    this.ties.set(tie.index, tie);
  }
  /** The tie of plan event `index` fired, or was dropped. */
  settled(index: number): void {
    this.ties.delete(index);
  }
  get size(): number {
    return this.ties.size;
  }
  /** Every tie not settled, in the order armed; `clear` empties the book too. */
  list({ clear = false } = {}): ArmedTie[] {
    const ties = [...this.ties.values()];
    if (clear) this.ties.clear();
    return ties;
  }
}

/** How many plan events wait for a condition; the run's quiescence waits until none does. */
export class WaitingEvents {
  count = 0;
}

/** How often a waiting event looks at its condition again (model ms). */
export const WAITING_POLL_MS = 1_000;

export function applyEvent(world: World, event: PlanEvent): Action {
  switch (event.kind) {
    case 'bootstrap':
      return world.bootstrap();
    case 'publish':
      return world.publish(event.version);
    case 'upgrade':
      return world.upgrade(upgradeRequest(event));
    case 'restart':
      return world.restart();
    case 'disconnect':
      return world.disconnect(clientName(event.client));
    case 'partition':
      return world.partition(clientName(event.client), event.durationMs);
    case 'slow':
      return world.slow(clientName(event.client), event.durationMs, event.latencyMs);
    case 'half-open':
      return world.halfOpen(clientName(event.client));
    case 'stop-watcher':
      return world.stopWatchers(clientName(event.client));
    case 'pause':
      return world.pause(event.durationMs);
    case 'crash':
      return world.crash(event.downMs, event.graceful === true);
    case 'deploy':
      return world.deploy(clientName(event.client), event.app, event.units);
    case 'remove': // one the world ties (World.tieOf) is armed (schedulePlan), never applied at its time
      return world.remove(clientName(event.client), event.app);
    case 'rewatch':
      return world.rewatch(clientName(event.client));
    case 'chained-upgrade':
      // Tied, it fires only at a moment with no upgrade pending or running: it acts at once.
      if (event.when) return publishAndUpgrade(world, event.version);
      whenUpgradeIdle(world, () => {
        void world.publish(event.version);
        void world.upgrade({ version: event.version });
      });
      return { applied: true, note: 'acts once no upgrade is pending or running' };
    case 'wait':
      return true;
  }
}

/** The operator's `juju publish V` then `juju upgrade --agent-version V`: the upgrade's outcome. */
function publishAndUpgrade(world: World, version: string): Action {
  const published = world.publish(version);
  const upgrade = (): Action => world.upgrade({ version });
  if (typeof published === 'boolean' || !('then' in published)) return upgrade();
  return published.then(upgrade);
}

/** A `remove` tied to a login (plan.ts) in a built-in client's run, as World.arm answers it: its
 *  removals are its own, made when the plan says; only the operator's, in a program's run, waits
 *  for the program's moment. */
export const TIED_REMOVE_NOT_APPLIED: Applied = {
  applied: false,
  note: "a client's own removal is not tied to its login: only the operator's is, in a program's run",
};

/** A client action the profile may not offer (a black-box command, a real library): not applied then. */
export function clientAction(
  client: Client | undefined,
  profile: string,
  what: string,
  act: (client: Client) => boolean | undefined,
): Applied {
  if (!client) return false;
  const applied = act(client);
  return applied === undefined ? { applied: false, note: `the ${profile} client cannot ${what}` } : applied;
}

/**
 * Runs `act` at the first look (now, then every WAITING_POLL_MS) at which the controller is
 * bootstrapped, up and not upgrading. Its records (upgrade-requested, ...) say when it acted.
 */
export function whenUpgradeIdle(world: World, act: () => void): void {
  world.waiting.count++;
  const look = (): void => {
    const done = (idle: boolean): void => {
      if (!idle) return void world.clock.after(WAITING_POLL_MS, look);
      world.waiting.count--;
      act();
    };
    const idle = world.upgradeIdle();
    if (typeof idle === 'boolean') done(idle);
    else void idle.then(done, () => done(false));
  };
  look();
}

/** The event record of plan event `index`, written when it acted (or, tied to activity, fired). */
export function recordEvent(history: Recorder, index: number, event: PlanEvent, result: Applied): void {
  const applied = typeof result === 'boolean' ? result : result.applied;
  const note = typeof result === 'boolean' ? undefined : result.note;
  // note set last, as its place in the record's JSON is (a spread here copied every event record).
  const record: Extract<HistoryBody, { type: 'event' }> = { type: 'event', index, event, applied };
  if (note !== undefined) record.note = note;
  history.record(record);
}

/** Arms a tied event; its record is written when it fires, or now if it could not be armed. */
function armTied(world: World, index: number, event: PlanEvent, client: string, on: ApiActivity): void {
  const refused = (r: Applied): void => {
    if (!(r === true || (typeof r === 'object' && r.applied))) recordEvent(world.history, index, event, r);
  };
  const armed = world.arm(index, event, client, on);
  if (typeof armed === 'boolean' || !('then' in armed)) return refused(armed);
  void armed.then(refused, (e: unknown) => refused({ applied: false, note: `failed: ${(e as Error).message}` }));
}

/**
 * Schedules every event of the plan on the world's clock; returns when the plan is over (the end
 * of a trailing wait). Event
 * records keep plan order: once an action has resolved later (real targets), the records after it
 * wait for it. The sim never goes down that path, so it stays synchronous.
 */
export function schedulePlan(world: World, plan: Plan): number {
  let end = 0;
  let previous: Promise<void> | undefined;
  timeline(plan).forEach(({ at, event }, index) => {
    end = event.kind === 'wait' ? at + event.durationMs : at; // a trailing wait lets its time pass too
    world.clock.after(at, () => {
      const record = (result: Applied): void => recordEvent(world.history, index, event, result);
      const tie = world.tieOf(event);
      if (tie) return armTied(world, index, event, clientName(tie.client), tie.on);
      const result = applyEvent(world, event);
      if (previous === undefined && (typeof result === 'boolean' || !('then' in result))) return record(result);
      previous = (previous ?? Promise.resolve())
        .then(() => result)
        .then(record, (e: unknown) => record({ applied: false, note: `failed: ${(e as Error).message}` }));
    });
  });
  return end;
}
