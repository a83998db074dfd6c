/**
 * One controller behind the server: the model (harness/controller, the one implementation) on real
 * timers, its randomness and its Recorder, at its own model UUID. The server hosts many at once (one
 * per run, each from its own time zero); creating one costs a model object, disposing it silences
 * its timers and drops its connections.
 */
import { epochNow, RealScheduler, ScopedScheduler } from '../clock.ts';
import type { Credentials } from '../controller/api-types.ts';
import { Controller } from '../controller/controller.ts';
import type { Recovery } from '../controller/durable-state.ts';
import type { ControllerProfile } from '../controller/profile.ts';
import { openLagWindow, type LagWindow } from '../lag-probe.ts';
import {
  eventRecorded,
  Recorder,
  type HistoryBody,
  type HistoryRecord,
  type ModelView,
  type Stall,
  type TieOutcome,
} from '../history.ts';
import { API_ACTIVITIES } from '../controller/activity-triggers.ts';
import { activityTie, operatorApp, operatorRemovalTie, tieCondition, upgradeRequest, type PlanEvent } from '../plan.ts';
import { notWaitedOnWatcherNote, removeAsOperator } from '../controller/operator.ts';
import { seededRng } from '../rng.ts';
import { ClientLinks } from './client-links.ts';
import type { SessionJournal } from './session-store.ts';

/** The path of a session's model endpoint on the server's port. */
export function modelPath(uuid: string): string {
  return `/model/${uuid}/api`;
}

export interface SessionOptions {
  profile: ControllerProfile;
  credentials: Credentials;
  seed: number;
  /** Real time per model millisecond (0.05: twenty times faster than life). */
  timeScale: number;
  /** The run's time zero (ms since the epoch), shared with the harness so histories merge. */
  originEpochMs?: number;
  /** The model UUID the session is served at (/model/<uuid>/api). */
  modelUuid: string;
  /** ModelGet's `charmhub-url`: the server's charm-info endpoint. */
  charmhubUrl?: string;
  /** The name of connections that do not name their client (?client=...): a run whose only client
   *  is a program that builds its own URLs (python-libjuju) sets it, so its records carry the
   *  run's client name rather than an address. */
  defaultClient?: string;
  /** Kept on disk (the server's --state-dir): a server started again after a kill takes it back. */
  durable?: boolean;
}

/** A durable session's disk, and what it came back with after a crash (session-store.ts). */
export interface SessionDurability {
  journal: SessionJournal;
  /** The agent's TLS port, kept with the state. */
  tlsPort: () => number | undefined;
  /** Set when the session is taken back by a server started after a kill. */
  recover?: Recovery;
}

export interface SessionStatus {
  modelUuid: string;
  profile: string;
  bootstrapped: boolean;
  up: boolean;
  version: string;
  upgrading: boolean;
  /** Nothing in motion: agent up, no upgrade, no hook running or waiting (quiescence waits for it). */
  quiet: boolean;
  /** Plan events tied to client activity that are armed and have not fired (or been dropped). */
  armed: number;
  /** The session's clock (model ms since its time zero). */
  now: number;
}

/** What a status request may wait for (a long poll): nothing in motion (SessionStatus.quiet),
 *  bootstrapped, up and no upgrade pending or running (what a chained upgrade waits for), or no
 *  fault tied to client activity armed any more (what the plan's end waits for: closing.ts). */
export type StatusCondition = 'quiet' | 'upgrade-idle' | 'ties-fired';
export const STATUS_CONDITIONS: readonly StatusCondition[] = ['quiet', 'upgrade-idle', 'ties-fired'];

export function statusHolds(status: SessionStatus, condition: StatusCondition): boolean {
  switch (condition) {
    case 'quiet':
      return status.quiet;
    case 'upgrade-idle':
      return status.bootstrapped && status.up && !status.upgrading;
    case 'ties-fired':
      return status.armed === 0;
  }
}

export interface SessionHistory {
  records: HistoryRecord[];
  version: string;
  model: ModelView;
  /** The charm URL each application runs (absent from an older server). */
  charms?: Record<string, string>;
  now: number;
  /** The server's longest event-loop stall while the session was open, real ms (lag-probe.ts). */
  stallMs: number;
  /** The server's stalls while the session was open, in the session's model time (lag-probe.ts). */
  stalls: Stall[];
}

/** A Recorder that also tells a listener of each record (the standalone controller prints them). */
class ObservedRecorder extends Recorder {
  constructor(
    now: () => number,
    private readonly listener: ((r: HistoryRecord) => void) | undefined,
  ) {
    super(now);
  }
  override record(body: HistoryBody): void {
    const before = this.records.length;
    super.record(body);
    const written = this.records[before]; // undefined once the recorder is sealed
    if (written) this.listener?.(written);
  }
}

export class ControllerSession {
  readonly controller: Controller;
  /** The clients' connections, for faults tied to their API activity. */
  readonly links = new ClientLinks();
  readonly history: Recorder;
  private readonly clock: ScopedScheduler;
  /** Status requests waiting for their condition: look() answers it if it holds, finish() at once. */
  private readonly waiters = new Set<{ look: () => void; finish: () => void }>();
  private lookQueued = false;
  /** How late the server ran while this session was open: the run judges its deadlines by it. */
  private readonly lag: LagWindow;

  constructor(
    readonly options: SessionOptions,
    onRecord?: (r: HistoryRecord) => void,
    durability?: SessionDurability,
  ) {
    const originEpochMs = options.originEpochMs ?? epochNow();
    this.clock = new ScopedScheduler(new RealScheduler(options.timeScale, originEpochMs));
    this.lag = openLagWindow({ originEpochMs, timeScale: options.timeScale });
    // A durable session writes each record, then its state, before anything goes out on a socket.
    const save = (): void => {
      if (durability && this.controller)
        durability.journal.save({ controller: this.controller.durable(), tlsPort: durability.tlsPort() });
    };
    this.history = new ObservedRecorder(
      () => this.clock.now(),
      (r) => {
        durability?.journal.append(r);
        save();
        onRecord?.(r);
        this.lookSoon();
      },
    );
    if (durability?.recover) this.history.restore(durability.recover.records);
    const recover = durability?.recover;
    this.controller = new Controller({
      ...(recover ? { recover } : {}),
      ...(durability ? { onDurableChange: save } : {}),
      clock: this.clock,
      // A controller started again draws afresh: a stream of its own per life.
      rng: recover ? seededRng(options.seed).fork(`life-${recover.records.length}`) : seededRng(options.seed),
      history: this.history,
      profile: options.profile,
      credentials: options.credentials,
      modelUuid: options.modelUuid,
      ...(options.charmhubUrl !== undefined ? { charmhubUrl: options.charmhubUrl } : {}),
    });
    if (durability) {
      this.controller.model.onChange(save); // a change no record announces (a unit's status) is saved too
      save();
    }
  }

  /**
   * Arms plan event `index` (a disconnect, partition, half-open, restart or upgrade tied to
   * `client`'s API activity, or the operator's removal in a program's run: plan.ts
   * operatorRemovalTie): the model fires it at that moment, and the session applies it at once and
   * records it (applied, at that moment); the run's quiescence (quiesce()) records one that never
   * fired as not applied, with why (activity-triggers.ts). After a crash the harness arms its ties
   * again (targets/world.ts ArmedTies): one whose event record this session took back with its
   * records fired or was dropped before the kill, and is not armed again.
   */
  arm(index: number, event: PlanEvent, client: string): boolean {
    const tie = event.kind === 'remove' ? operatorRemovalTie(event) : activityTie(event);
    if (!tie || !API_ACTIVITIES.includes(tie.on)) return false;
    if (eventRecorded(this.history.records, index)) return true;
    const fire = (): void => {
      const { applied, note } = this.fireTied(event, client);
      this.history.record({ type: 'event', index, event, applied, ...(note !== undefined ? { note } : {}) });
    };
    // The operator's timed removal, while the program has lost its watcher (it is away or
    // reconnecting): now, so that it reaches the program only through its next watcher's snapshot,
    // which has no `remove` for it (a view merged rather than replaced keeps a ghost). Not while the
    // API is restricted for an upgrade, which would refuse it: then, as otherwise, at its next
    // watcher wait.
    if (event.kind === 'remove' && !event.on && !this.controller.upgrading && this.controller.watcherLost(client)) {
      fire();
      return true;
    }
    const expire = (note: string): void => {
      const why = event.kind === 'remove' && !event.on ? notWaitedOnWatcherNote(client) : note;
      this.history.record({ type: 'event', index, event, applied: false, note: why });
    };
    this.controller.activity.arm(client, tie.on, fire, expire, tieCondition(event));
    return true;
  }

  /**
   * The run's quiescence, for what the session itself injects: the triggers not yet fired are
   * dropped (their events recorded as not applied) and the partitions and slow links they made end now, as the
   * harness heals its own faults (targets/closing.ts). The sim does the same in its heal.
   * Returns what became of every tie armed in this session (each fired or was dropped by now, those
   * of a life before a kill included), from their event records: the harness's closing sequence
   * reads when a tied half-open fired, and gets the records themselves only at the run's end.
   */
  quiesce(): TieOutcome[] {
    this.controller.activity.quiesce();
    for (const client of this.links.partitionedClients()) {
      if (this.links.heal(client)) this.history.record({ type: 'fault-end', fault: 'partition', client });
    }
    for (const client of this.links.slowedClients()) this.unslow(client);
    // The session writes an event record only for a tie (arm()): every other plan event is the harness's.
    const ties: TieOutcome[] = [];
    for (const r of this.history.records)
      if (r.type === 'event') ties.push({ index: r.index, t: r.t, applied: r.applied });
    return ties;
  }

  private unslow(client: string): void {
    if (this.links.unslow(client)) this.history.record({ type: 'fault-end', fault: 'slow', client });
  }

  /** What a tied plan event did as it fired: the operator's removal says when, and what became of it. */
  private fireTied(event: PlanEvent, client: string): { applied: boolean; note?: string } {
    if (event.kind !== 'remove') return { applied: this.applyFault(event, client) };
    const moment = event.on
      ? `at ${client}'s login after it lost its watcher`
      : this.controller.watcherLost(client)
        ? `while ${client} had lost its watcher`
        : `at ${client}'s next watcher wait`;
    const removed = removeAsOperator(this.controller, operatorApp(event.app));
    return { applied: removed.applied, note: `${moment}: ${removed.note}` };
  }

  private applyFault(event: PlanEvent, client: string): boolean {
    switch (event.kind) {
      case 'restart':
        return this.controller.restart();
      case 'upgrade':
        return this.controller.requestUpgrade(upgradeRequest(event)).ok;
      case 'chained-upgrade': // tied: fired with no upgrade pending or running
        this.controller.publish(event.version);
        return this.controller.requestUpgrade({ version: event.version }).ok;
      case 'disconnect':
        return this.links.reset(client);
      case 'half-open':
        return this.links.halfOpen(client);
      case 'stop-watcher':
        return this.controller.stopWatchers(client);
      case 'slow': {
        if (!this.links.slow(client, event.latencyMs * this.options.timeScale)) return false;
        const { latencyMs } = event;
        this.history.record({ type: 'fault-start', fault: 'slow', client, latencyMs });
        this.clock.after(event.durationMs, () => this.unslow(client));
        return true;
      }
      case 'partition': {
        if (!this.links.partition(client)) return false;
        this.history.record({ type: 'fault-start', fault: 'partition', client });
        this.clock.after(event.durationMs, () => {
          if (this.links.heal(client)) this.history.record({ type: 'fault-end', fault: 'partition', client });
        });
        return true;
      }
      default:
        return false;
    }
  }

  status(): SessionStatus {
    const c = this.controller;
    return {
      modelUuid: this.options.modelUuid,
      profile: this.options.profile.name,
      bootstrapped: c.isBootstrapped,
      up: c.isUp,
      version: c.version,
      upgrading: c.upgrading,
      quiet: c.quiet,
      armed: c.activity.pending,
      now: this.clock.now(),
    };
  }

  /**
   * The status once `condition` holds, or after `waitMs` (real) if it does not by then: a long poll,
   * so the harness learns of the state it waits for when it is reached instead of asking every few
   * milliseconds. The controller writes a record whenever what a condition reads changes (agent up,
   * upgrade end, hook end), so each record has the waiters look again.
   */
  statusWhen(condition: StatusCondition, waitMs: number): Promise<SessionStatus> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(this.status());
      };
      const waiter = { look: () => statusHolds(this.status(), condition) && finish(), finish };
      const timer = setTimeout(finish, Math.max(0, waitMs));
      if (statusHolds(this.status(), condition)) finish();
      else this.waiters.add(waiter);
    });
  }

  /** After the action that wrote a record is over (its state is settled then), waiters look again. */
  private lookSoon(): void {
    if (this.lookQueued || this.waiters.size === 0) return;
    this.lookQueued = true;
    queueMicrotask(() => {
      this.lookQueued = false;
      for (const waiter of this.waiters) waiter.look();
    });
  }

  snapshot(): SessionHistory {
    return {
      records: [...this.history.records],
      version: this.controller.version,
      model: this.controller.view(),
      charms: this.controller.charms(),
      now: this.clock.now(),
      stallMs: Math.round(this.lag.maxMs),
      stalls: this.lag.stalls(),
    };
  }

  /** Drops every connection (as an agent that stops would) and silences every timer. */
  dispose(): void {
    this.links.dispose();
    this.lag.close();
    this.controller.dispose();
    this.clock.cancelAll();
    for (const waiter of this.waiters) waiter.finish(); // a disposed session's waits end now
  }
}
