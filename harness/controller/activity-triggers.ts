/**
 * Faults tied to what a client is doing on the API. The controller is the one party that knows when
 * it receives and answers each call, so it is where a plan's "disconnect client-0 when its
 * AllWatcher.Next is in flight" is decided: a trigger is armed for a client and an activity, and
 * fires once, synchronously, at the first moment that activity happens (or at once, if it is
 * happening when armed). What the fault does is the caller's: the sim's world cuts its in-memory
 * network, the controller server its sockets; this file only says when. Written once, here, for
 * every target. Each occurrence of a moment fires one trigger (see happened()).
 */

/** The moments a fault can be tied to. */
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
  | 'login';

export const API_ACTIVITIES: readonly ApiActivity[] = ['watch-next', 'deploy-answered', 'deploy-applied', 'login'];

/** What the triggers ask of the controller: whether a client has a Next in flight right now. */
export interface ActivitySource {
  nextInFlight(client: string): boolean;
}

/** The note of a tied event whose moment had not come when the plan ended. */
export const NOT_FIRED_BY_QUIESCENCE = 'its moment had not come when the plan ended (quiescence injects no fault)';

interface Armed {
  client: string;
  activity: ApiActivity;
  fire: () => void;
  /** Told when the run's quiescence drops the trigger unfired. */
  expire: (() => void) | undefined;
}

export class ActivityTriggers {
  private armed: Armed[] = [];

  constructor(private readonly source: ActivitySource) {}

  /**
   * Fires `fire` at the client's next `activity` (now, if a Next is in flight and that is the
   * activity); `expire` is called instead if the run's quiescence comes first (see quiesce()).
   */
  arm(client: string, activity: ApiActivity, fire: () => void, expire?: () => void): void {
    if (activity === 'watch-next' && this.source.nextInFlight(client)) return fire();
    this.armed.push({ client, activity, fire, expire });
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
    for (const a of dropped) a.expire?.();
  }

  /** A request arrived from `client` (before the controller acts on it). */
  received(client: string, facade: string, method: string): void {
    if (this.armed.length === 0) return;
    if (facade === 'Admin' && method === 'Login') this.happened(client, 'login');
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

  /** The controller sent its answer to a request of `client`. */
  answered(client: string, facade: string, method: string): void {
    if (this.armed.length === 0) return;
    if (facade === 'Application' && method === 'Deploy') this.happened(client, 'deploy-answered');
  }

  /** Armed triggers that never fired (the run ends with them). */
  get pending(): number {
    return this.armed.length;
  }

  clear(): void {
    this.armed = [];
  }

  /**
   * Fires the earliest armed trigger waiting for this client's activity; the others wait for its
   * next occurrence. One fault per occurrence: fired together, a disconnect would close the very
   * connection a half-open (or a second disconnect) tied to the same moment was meant for, which
   * then had nothing to act on; one at a time, the later one lands on the client's next connection.
   */
  private happened(client: string, activity: ApiActivity): void {
    const at = this.armed.findIndex((a) => a.client === client && a.activity === activity);
    if (at < 0) return;
    const [due] = this.armed.splice(at, 1);
    due?.fire();
  }
}
