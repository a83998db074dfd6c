/**
 * Faults and upgrades tied to what a client is doing on the API. The controller is the one party
 * that knows when it receives and answers each call, so it is where a plan's "disconnect client-0
 * when its AllWatcher.Next is in flight" is decided: a trigger is armed for a client and an
 * activity, and fires once, synchronously, at the first moment that activity happens (or at once,
 * if it is happening when armed) and its condition holds (an upgrade's: one can start now). What
 * the event does is the caller's: the sim's world cuts its in-memory network, the controller
 * server its sockets, either one requests the upgrade; this file only says when. Written once,
 * here, for every target. Each occurrence of a moment fires one trigger (see happened()).
 */

/** The moments a fault or an upgrade can be tied to. */
export type ApiActivity =
  /** the client has an AllWatcher.Next in flight (received, not answered) */
  | 'watch-next'
  /** right after the answer to the client's Application.Deploy is sent */
  | 'deploy-answered'
  /** the controller has applied the client's Application.Deploy (its applications are in the
   *  model) and has not written the answer yet: a fault here loses the answer with the connection,
   *  the heart of lp:1455260 (a script that re-sends the Deploy then meets "already exists") */
  | 'deploy-applied'
  /** the client's Admin.Login was received and is not answered yet */
  | 'login'
  /** right after the controller accepted the client's Client.WatchAll and sent its answer: before
   *  the client's next call (a script that watches, then deploys, is between the two) */
  | 'watch-answered'
  /** the client's Application.Deploy was received, before the controller acts on it: an upgrade
   *  requested here is pending when the Deploy is served (the gate refuses it) */
  | 'deploy-received';

/** Every moment a plan event may be tied to (what a failure file or the controller server accepts). */
export const API_ACTIVITIES: readonly ApiActivity[] = [
  'watch-next',
  'deploy-answered',
  'deploy-applied',
  'login',
  'watch-answered',
  'deploy-received',
];

/** The moments a fault (disconnect, partition, half-open, restart) is drawn tied to. */
export const FAULT_ACTIVITIES: readonly ApiActivity[] = ['watch-next', 'deploy-answered', 'deploy-applied', 'login'];

/**
 * The moments a half-open link is drawn tied to: a fault's, and `watch-answered`, right after a
 * connection's WatchAll is answered, while the connection is young. The client's first Next and its
 * pings then go unanswered on a connection that has made a handful of calls, and the reconnect that
 * follows is as young: a script that numbers each connection's request-ids from 1 and matches answers
 * across connections (examples/clients/reqid-reset.mjs) loses its new Next to an old call's timeout.
 * Tied to a fault moment, the old connection's ids are seldom those the new one is using (process
 * target, a fixed plan: caught in 0 of 16 runs at the four, 4 of 7 at `watch-answered`). That moment
 * comes once per connection, so a half-open armed while the client watches dies on its next
 * connection: what a script that pings only its first one (examples/clients/ping-dies.mjs) needs.
 */
export const HALF_OPEN_ACTIVITIES: readonly ApiActivity[] = [...FAULT_ACTIVITIES, 'watch-answered'];

/** The moments a slow link (plan.ts `slow`) is drawn tied to: a Deploy in flight (received, or
 *  applied with its answer not yet written: the answer comes back late), a Next in flight, a login. */
export const SLOW_ACTIVITIES: readonly ApiActivity[] = ['deploy-received', 'deploy-applied', 'watch-next', 'login'];

/**
 * The moments an operator's upgrade is drawn tied to: the client's login, the gap between its
 * WatchAll and its next call, its Deploy arriving, its Next in flight, its Deploy answered. Not
 * 'deploy-applied': an upgrade requested there closes nothing, so it is 'deploy-answered' again.
 */
export const UPGRADE_ACTIVITIES: readonly ApiActivity[] = [
  'login',
  'watch-answered',
  'deploy-received',
  'watch-next',
  'deploy-answered',
];

/** What the triggers ask of the controller: whether a client has a Next in flight right now,
 *  whether an upgrade could start now (up, none pending or running), whether a client had a
 *  watcher and has none live now (it lost it with its connection, or the controller stopped it),
 *  and how many times so far it went from some live watcher to none (for a dropped tie's note). */
export interface ActivitySource {
  nextInFlight(client: string): boolean;
  upgradeIdle(): boolean;
  watcherLost(client: string): boolean;
  watcherLosses(client: string): number;
}

/**
 * When an armed trigger may fire: at its moment (`any`), or only at a moment when an upgrade could
 * start (`upgrade-idle`): an upgrade tied to a client's Deploy waits for a Deploy that arrives with
 * no upgrade pending or running, instead of being refused at one that came during the last upgrade.
 * `watcher-lost`: as `upgrade-idle` (the API open), and the client has lost the watcher it had: the
 * operator's removal tied to a program's login lands while the program is away (plan.ts `remove`).
 */
export type TieCondition = 'any' | 'upgrade-idle' | 'watcher-lost';

/** The note of a tied event whose moment had not come when the plan ended. */
export const NOT_FIRED_BY_QUIESCENCE = 'its moment had not come when the plan ended (quiescence injects no fault)';

/** The note of a tied event dropped at the plan's end: why it never fired. `missed`: how many of
 *  its moments came while its condition did not hold (an upgrade pending or running). */
export function notFiredNote(missed: number): string {
  if (missed === 0) return NOT_FIRED_BY_QUIESCENCE;
  const came = missed === 1 ? 'came once, with' : `came ${missed} times, each with`;
  return `its moment ${came} an upgrade pending or running, and not again before the plan ended (quiescence injects no fault)`;
}

/**
 * The note of a `watcher-lost` tie (the operator's removal at a program's login after it lost its
 * watcher) dropped at the plan's end, naming the part of its moment that never came: `lost`,
 * whether the client lost its watcher after the tie was armed (or had lost it then); `missed`, its
 * logins after losing it that came with an upgrade pending or running (the API restricted).
 */
export function notFiredAfterLostWatcherNote(client: string, lost: boolean, missed: number): string {
  const end = 'before the plan ended (quiescence injects no fault)';
  if (!lost) return `${client} never lost its watcher ${end}, so it never logged in again after losing it`;
  if (missed === 0) return `${client} lost its watcher and did not log in again while it was lost, ${end}`;
  const came = missed === 1 ? 'once, with' : `${missed} times, each with`;
  return `${client} logged in again after losing its watcher ${came} an upgrade pending or running, and not again ${end}`;
}

interface Armed {
  client: string;
  activity: ApiActivity;
  condition: TieCondition;
  fire: () => void;
  /** Told when the run's quiescence drops the trigger unfired, with why (expiryNote). */
  expire: ((note: string) => void) | undefined;
  /** Its moments that came while its condition did not hold (for `watcher-lost`: only those that
   *  came after the watcher was lost, with an upgrade pending or running). */
  missed: number;
  /** `watcher-lost`: the client's watcher losses counted before it was armed (one fewer if it had
   *  lost its watcher then), so that a later count tells whether it lost one since. */
  lossesBefore: number;
}

export class ActivityTriggers {
  private armed: Armed[] = [];

  constructor(private readonly source: ActivitySource) {}

  /**
   * Fires `fire` at the client's next `activity` that meets `condition` (now, if a Next is in
   * flight and that is the activity); `expire` is called instead if the run's quiescence comes
   * first (see quiesce()).
   */
  arm(
    client: string,
    activity: ApiActivity,
    fire: () => void,
    expire?: (note: string) => void,
    condition: TieCondition = 'any',
  ): void {
    const losses = condition === 'watcher-lost' ? this.source.watcherLosses(client) : 0;
    const lossesBefore = condition === 'watcher-lost' && this.source.watcherLost(client) ? losses - 1 : losses;
    const armed: Armed = { client, activity, condition, fire, expire, missed: 0, lossesBefore };
    if (activity === 'watch-next' && this.source.nextInFlight(client) && this.met(armed)) return fire();
    this.armed.push(armed);
  }

  /**
   * The plan is over: quiescence heals every fault and injects none, as TigerBeetle's liveness mode
   * zeroes its fault probabilities, so no trigger fires any more. A trigger left armed would cut a
   * client in the middle of its recovery, which the liveness properties then judge (a partition at
   * the client's first Next after the upgrade outlasted the quiet wait, and its final view was
   * stale). Each dropped trigger's `expire` is called, in the order they were armed.
   */
  quiesce(): void {
    const dropped = this.armed;
    this.armed = [];
    for (const a of dropped) a.expire?.(this.expiryNote(a));
  }

  /** Why a trigger dropped at the plan's end never fired. */
  private expiryNote(a: Armed): string {
    if (a.condition !== 'watcher-lost') return notFiredNote(a.missed);
    const lost = this.source.watcherLosses(a.client) > a.lossesBefore;
    return notFiredAfterLostWatcherNote(a.client, lost, a.missed);
  }

  /** A request arrived from `client` (before the controller acts on it). */
  received(client: string, facade: string, method: string): void {
    if (this.armed.length === 0) return;
    if (facade === 'Admin' && method === 'Login') this.happened(client, 'login');
    else if (facade === 'Application' && method === 'Deploy') this.happened(client, 'deploy-received');
  }

  /** A Next of `client` is now waiting for deltas: it is in flight. */
  nextWaiting(client: string): void {
    if (this.armed.length > 0) this.happened(client, 'watch-next');
  }

  /** The controller applied a request of `client` that it accepted, and is about to send the answer
   *  (a fault fired here may close the connection first: the answer is then never sent). */
  applied(client: string, facade: string, method: string): void {
    if (this.armed.length === 0) return;
    if (facade === 'Application' && method === 'Deploy') this.happened(client, 'deploy-applied');
  }

  /** The controller sent its answer to a request of `client` (`accepted`: not an error). */
  answered(client: string, facade: string, method: string, accepted: boolean): void {
    if (this.armed.length === 0) return;
    if (facade === 'Application' && method === 'Deploy') this.happened(client, 'deploy-answered');
    // A WatchAll refused (during an upgrade) made no watcher: the gap after it is not the one meant.
    else if (accepted && facade === 'Client' && method === 'WatchAll') this.happened(client, 'watch-answered');
  }

  /** Armed triggers that never fired (the run ends with them). */
  get pending(): number {
    return this.armed.length;
  }

  clear(): void {
    this.armed = [];
  }

  private met(a: Armed): boolean {
    if (a.condition === 'any') return true;
    return this.source.upgradeIdle() && (a.condition === 'upgrade-idle' || this.source.watcherLost(a.client));
  }

  /**
   * Fires the earliest armed trigger waiting for this client's activity whose condition holds now;
   * the others wait for a later occurrence. One per occurrence: fired together, a disconnect would
   * close the very connection a half-open (or a second disconnect) tied to the same moment was meant
   * for, which then had nothing to act on; one at a time, the later one lands on the client's next
   * connection. Likewise an upgrade fired first makes the next upgrade-idle one wait. A trigger
   * whose condition does not hold at its moment counts it (missed): its note says so if it is dropped.
   * For `watcher-lost`, a login while the client still has its watcher (or never had one) is not
   * its moment at all, and is not counted.
   */
  private happened(client: string, activity: ApiActivity): void {
    let at = -1;
    this.armed.forEach((a, i) => {
      if (a.client !== client || a.activity !== activity) return;
      if (this.met(a)) {
        if (at < 0) at = i;
      } else if (a.condition !== 'watcher-lost' || this.source.watcherLost(client)) a.missed++;
    });
    if (at < 0) return;
    const [due] = this.armed.splice(at, 1);
    due?.fire();
  }
}
