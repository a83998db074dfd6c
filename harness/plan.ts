/**
 * A plan is plain data: the ordered events of one run. Every event is instantaneous except `wait`,
 * which lets time pass; so an event's time is the sum of the waits before it. fast-check generates
 * and shrinks plans (harness/arbitraries.ts); the runner plays them against a target.
 */
import type { ApiActivity, TieCondition } from './controller/activity-triggers.ts';

/**
 * A fault tied to a client's API activity: instead of firing at its time in the plan, the event
 * is armed then and fires at the first moment `on` happens for `client` (see
 * controller/activity-triggers.ts); an event whose moment never comes does nothing.
 */
export interface ActivityTie {
  on: ApiActivity;
}

export type PlanEvent =
  | { kind: 'bootstrap' }
  | { kind: 'publish'; version: string }
  /** `when`: requested at that client's activity instead of at its time (an operator's upgrade that
   *  lands between a script's WatchAll and its Deploy), at the first such moment when an upgrade
   *  can start (up, none pending or running). Drawn by the weight `upgrade-on-activity`. */
  | { kind: 'upgrade'; version?: string; uploadTools?: boolean; when?: ActivityTie & { client: number } }
  | { kind: 'deploy'; client: number; app: string; units: number }
  /** The client removes an application (Juju's Application.DestroyApplication): the latest
   *  deployment of that charm name in the plan (withBootstrap resolves "mysql" to "mysql-2"). In a
   *  program's run the operator removes their own (operatorApp). `on: 'login'` (program runs only,
   *  weight `remove-on-activity`): the operator's removal waits for the program's first login after
   *  it lost the watcher it had, with the API open (TieCondition 'watcher-lost'): while it is away, so
   *  that only its next watcher's snapshot, which has no `remove` for it, tells it. */
  | { kind: 'remove'; client: number; app: string; on?: 'login' }
  /** The client stops its watcher (AllWatcher.Stop) and starts a new one (Client.WatchAll): at
   *  once if its watcher is live, else as soon as it is live again and has delivered its deltas. */
  | { kind: 'rewatch'; client: number }
  /** The operator waits until no upgrade is pending or running (after bootstrap), then publishes
   *  `version` and upgrades to it: a chain of upgrades, each starting when the last one ended.
   *  `when`: at that client's first activity with no upgrade pending or running (as a tied upgrade,
   *  so the upgrade starts at the client's moment). */
  | { kind: 'chained-upgrade'; version: string; when?: ActivityTie & { client: number } }
  | ({ kind: 'disconnect'; client: number } & Partial<ActivityTie>)
  | ({ kind: 'partition'; client: number; durationMs: number } & Partial<ActivityTie>)
  /** Jepsen's slow network: for durationMs every message between the client and the controller
   *  (each frame, each byte of a dial's handshake, both ways) takes latencyMs more, order kept, as
   *  TCP keeps it; a message already on its way keeps its delay. A controller just upgraded answers
   *  so. Client timeouts shorter than a slow call then give up on calls the controller still
   *  applies. `on`: at that client's API activity (ActivityTie). */
  | ({ kind: 'slow'; client: number; durationMs: number; latencyMs: number } & Partial<ActivityTie>)
  /** The client's open connections go half-open, for good: the controller's end is reset (it sees
   *  a fault), while the client's socket stays open and nothing it sends arrives, nor anything
   *  more for it, not even a close (NAT state dropped, a controller machine gone without a FIN).
   *  New connections work. Quiescence does not heal it: only a client that pings or times its
   *  calls out learns that the link is dead. `on`: at that client's API activity (ActivityTie). */
  | ({ kind: 'half-open'; client: number } & Partial<ActivityTie>)
  /** The controller stops the client's live watchers while their connections stay up: the
   *  multiwatcher behind them died and was restarted (Juju restarts it around agent restarts, or
   *  reaps a watcher). A Next in flight, and any later one on them, is answered "watcher was
   *  stopped" (code `stopped`); the client must call Client.WatchAll again. `on`: at that client's
   *  API activity (ActivityTie). */
  | ({ kind: 'stop-watcher'; client: number } & Partial<ActivityTie>)
  /** `when`: restart at that client's activity instead of at its time. */
  | { kind: 'restart'; when?: ActivityTie & { client: number } }
  /** The controller frozen for durationMs, then resumed: every process of it stopped (docker pause,
   *  SIGSTOP), its sockets open, nothing answered; Jepsen's pause. On the sim its clock-driven work
   *  and what reaches it wait; time goes on, so its timers fire late, at the resume. */
  | { kind: 'pause'; durationMs: number }
  /** The whole controller killed (SIGKILL; `graceful`: stopped, SIGTERM), then started again on the
   *  same port after downMs (at once: 0). It comes back with what it keeps on disk, as Juju with
   *  MongoDB (controller/durable-state.ts); connections, watchers and requests in flight die. */
  | { kind: 'crash'; downMs: number; graceful?: true }
  | { kind: 'wait'; durationMs: number };

/** The most a `slow` link may add to each message (a replay file's bound: a longer one is a typo). */
export const MAX_SLOW_LATENCY_MS = 600_000;

export type EventKind = PlanEvent['kind'];
export const EVENT_KINDS: readonly EventKind[] = [
  'bootstrap',
  'publish',
  'upgrade',
  'deploy',
  'remove',
  'rewatch',
  'chained-upgrade',
  'disconnect',
  'partition',
  'slow',
  'half-open',
  'stop-watcher',
  'restart',
  'pause',
  'crash',
  'wait',
];

/**
 * What a scenario's weights name: every event kind a plan draws, `on-activity`, the weight of
 * a disconnect, partition or restart tied to a client's API activity (see ActivityTie), and
 * `upgrade-on-activity`, the weight of an upgrade tied to one (an `upgrade` where the scenario
 * weighs upgrades, a `chained-upgrade` where it weighs those, by their weights). A `half-open` or
 * `stop-watcher` is tied half of the time, by its own weight, in a scenario whose `on-activity` is
 * above 0, and so is a `slow` link. `remove-on-activity`, the weight of a removal tied to a program's login after it lost its
 * watcher (a `remove` with `on: 'login'`): a program's run draws it as often as a plain `remove`
 * (run-config.ts forProgram); a built-in client, which removes its own applications, is not drawn it.
 */
export type WeightKey = Exclude<EventKind, 'bootstrap'> | 'on-activity' | 'upgrade-on-activity' | 'remove-on-activity';
export const WEIGHT_KEYS: readonly WeightKey[] = [
  ...EVENT_KINDS.filter((k): k is Exclude<EventKind, 'bootstrap'> => k !== 'bootstrap'),
  'on-activity',
  'upgrade-on-activity',
  'remove-on-activity',
];

export type Plan = PlanEvent[];

/** The events with their start times (ms from the start of the run). */
export function timeline(plan: Plan): { at: number; event: PlanEvent }[] {
  let at = 0;
  return plan.map((event) => {
    const entry = { at, event };
    if (event.kind === 'wait') at += event.durationMs;
    return entry;
  });
}

/** How a plan reads: `program`, in a program's run (a --client-cmd, or a client profile that is a
 *  program of its own), where a `remove` is the operator's (controller/operator.ts), not client-0's. */
export interface PlanReading {
  program?: boolean;
}

/** Where a controller's clients take charms from: Juju 1.x and 2.x the charm store (`cs:`), Juju 3
 *  Charmhub only (python-libjuju 3.x refuses `cs:`: "unknown deploy type cs, expected charmhub or
 *  local"). */
export type CharmSource = 'charm-store' | 'charmhub';

/** The charm source of a controller that bootstraps with the juju client at `clientVersion`. */
export function charmSourceOf(clientVersion: string): CharmSource {
  return Number(clientVersion.split('.')[0]) >= 3 ? 'charmhub' : 'charm-store';
}

/** The charm that deploys an application of a plan: the charm is named as the application less the
 *  suffix that tells a repeated deploy apart (arbitraries.ts: wordpress-2 is a second wordpress), as
 *  a Juju bundle names an application apart from its charm: `cs:trusty/wordpress-2` would read as
 *  revision 2 of wordpress. From the charm store a charm URL; from Charmhub the bare name a Juju 3
 *  bundle and `juju deploy` use (`wordpress`, which Charmhub resolves). */
export function charmUrlOf(app: string, source: CharmSource = 'charm-store'): string {
  const charm = app.replace(/-\d+$/, '');
  return source === 'charmhub' ? charm : `cs:trusty/${charm}`;
}

/** A resolved Charmhub charm URL, as Charms.ResolveCharms answers and a Juju 3 Application.Deploy
 *  takes it (Juju wants the revision: "charm url must include revision"): `ch:amd64/jammy/mysql-1`. */
export function charmhubUrl(charm: string, revision = 1): string {
  return `ch:amd64/jammy/${charm}-${revision}`;
}

/**
 * The charm URL a built-in client's Application.Deploy names for application `app` (`revision`: a
 * later revision than the first, newRevisionOnRetry): from the charm store `cs:trusty/APP`, as the
 * Juju 1.x scripts of the bug report write it; on Juju 3, which has no charm store and refuses a
 * `cs:` URL, the Charmhub URL its clients deploy once Charms.ResolveCharms named it.
 */
export function deployCharmUrl(app: string, source: CharmSource, revision?: number): string {
  if (source === 'charmhub') return charmhubUrl(charmUrlOf(app, source), revision);
  return revision === undefined ? `cs:trusty/${app}` : `cs:trusty/${app}-${revision}`;
}

/** The operator's application that a plan's `remove` of `app` takes away in a program's run (seeded
 *  at bootstrap): a name no bundle uses (bundles name applications after their charms). */
export function operatorApp(app: string): string {
  return `old-${app}`;
}

export function describeEvent(event: PlanEvent, reading: PlanReading = {}): string {
  switch (event.kind) {
    case 'bootstrap':
      return 'bootstrap';
    case 'publish':
      return `publish ${event.version}`;
    case 'upgrade':
      return `upgrade${event.version ? ` --agent-version ${event.version}` : ''}${event.uploadTools ? ' --upload-tools' : ''}${event.when ? whenActive(event.when) + IDLE_WORDS : ''}`;
    case 'deploy':
      return `client-${event.client}: deploy ${event.app} -n ${event.units}`;
    case 'remove':
      if (!reading.program)
        return `client-${event.client}: remove-application ${event.app}${event.on ? RELOGIN_WORDS : ''}`;
      return `operator: remove-application ${operatorApp(event.app)} (theirs, there since bootstrap), ${event.on ? `while client-${event.client} logs in again after losing its watcher (the first such login with the API open)` : `once client-${event.client} next waits on its watcher (at once if it has lost it)`}`;
    case 'rewatch':
      return `client-${event.client}: stop its watcher and watch again`;
    case 'chained-upgrade':
      return event.when
        ? `publish ${event.version}, upgrade --agent-version ${event.version}${whenActive(event.when)}${IDLE_WORDS}`
        : `once no upgrade is pending or running: publish ${event.version}, upgrade --agent-version ${event.version}`;
    case 'disconnect':
      return `disconnect client-${event.client}${whenActive(event)}`;
    case 'partition':
      return `partition client-${event.client} for ${formatMs(event.durationMs)}${whenActive(event)}`;
    case 'slow':
      return `slow client-${event.client}'s link by ${formatMs(event.latencyMs)} each way for ${formatMs(event.durationMs)}${whenActive(event)}`;
    case 'half-open':
      return `leave client-${event.client}'s connections half-open for good${whenActive(event)} (the controller's end reset, the client's silent: no byte, no close)`;
    case 'stop-watcher':
      return `stop client-${event.client}'s watchers${whenActive(event)} (the controller's multiwatcher died; the connection stays up)`;
    case 'restart':
      return `restart controller agent${event.when ? whenActive(event.when) : ''}`;
    case 'pause':
      return `pause the controller for ${formatMs(event.durationMs)} (every process frozen), then resume it`;
    case 'crash': {
      const again = event.downMs > 0 ? `after ${formatMs(event.downMs)}` : 'at once';
      const how = event.graceful ? 'stop the controller (SIGTERM: a clean shutdown)' : 'kill the controller (SIGKILL)';
      return `${how}, start it again ${again}: it recovers its model from disk`;
    }
    case 'wait':
      return `wait ${formatMs(event.durationMs)}`;
  }
}

/** What an upgrade event asks for, only the fields it sets (set one by one: cheaper than spreads). */
export function upgradeRequest(event: Extract<PlanEvent, { kind: 'upgrade' }>): {
  version?: string;
  uploadTools?: boolean;
} {
  const request: { version?: string; uploadTools?: boolean } = {};
  if (event.version !== undefined) request.version = event.version;
  if (event.uploadTools) request.uploadTools = true;
  return request;
}

/** The moment an activity-tied event fires, as a plan prints it. */
const ACTIVITY_WORDS: Record<ApiActivity, (client: string) => string> = {
  'watch-next': (c) => `when ${c} next has an AllWatcher.Next in flight`,
  'deploy-answered': (c) => `right after ${c}'s Deploy is answered`,
  'deploy-applied': (c) => `once ${c}'s Deploy is applied, before its answer is written`,
  login: (c) => `while ${c} is logging in`,
  'watch-answered': (c) => `right after ${c}'s WatchAll is answered, before its next call`,
  'deploy-received': (c) => `when ${c}'s Deploy is received, before the controller acts on it`,
};

/** A tied removal in a built-in client's run, which the client cannot tie to its own login. */
const RELOGIN_WORDS = " (tied to its login after a lost watcher: an operator's removal in a program's run only)";

/** What a tied upgrade waits for besides its moment (TieCondition 'upgrade-idle'). */
const IDLE_WORDS = ' (the first such moment with no upgrade pending or running)';

function whenActive(event: Partial<ActivityTie> & { client?: number }): string {
  if (event.on === undefined) return '';
  return ` ${ACTIVITY_WORDS[event.on](clientName(event.client ?? 0))}`;
}

/** The client whose activity an activity-tied event waits for, or undefined for a timed event (a
 *  `remove` with `on: 'login'` is tied: the operator's removal waits for the program's login). */
export function activityTie(event: PlanEvent): { client: number; on: ApiActivity } | undefined {
  if (event.kind === 'restart' || event.kind === 'upgrade' || event.kind === 'chained-upgrade') return event.when;
  if (
    event.kind !== 'remove' &&
    event.kind !== 'disconnect' &&
    event.kind !== 'partition' &&
    event.kind !== 'slow' &&
    event.kind !== 'half-open' &&
    event.kind !== 'stop-watcher'
  )
    return undefined;
  return event.on !== undefined ? { client: event.client, on: event.on } : undefined;
}

/**
 * The program's moment the operator's removal waits for in a program's run (a plan's `remove` there
 * is the operator's: controller/operator.ts): its next watcher wait (`watch-next`: the program has
 * its snapshot, and hears a `remove` delta; at once if it has lost its watcher, wire/session.ts), or,
 * with `on: 'login'`, its first login after it lost its watcher. Timed or tied, it is armed, and
 * recorded as it fires or, if the plan ends first, as not applied with why.
 */
export function operatorRemovalTie(event: Extract<PlanEvent, { kind: 'remove' }>): { client: number; on: ApiActivity } {
  return { client: event.client, on: event.on ?? 'watch-next' };
}

/** When a tied event may fire at its moment: an upgrade only when one can start, the operator's
 *  removal tied to a login only at one after the client lost its watcher, with the API open (see
 *  TieCondition); its timed removal at any watcher wait (refused, and recorded so, during an upgrade). */
export function tieCondition(event: PlanEvent): TieCondition {
  if (event.kind === 'remove') return event.on ? 'watcher-lost' : 'any';
  return event.kind === 'upgrade' || event.kind === 'chained-upgrade' ? 'upgrade-idle' : 'any';
}

/** A short numbered list, as printed for a shrunk counterexample. */
export function formatPlan(plan: Plan, reading: PlanReading = {}): string {
  return timeline(plan)
    .map(({ at, event }, i) => `  ${String(i + 1).padStart(2)}. [t=${formatMs(at)}] ${describeEvent(event, reading)}`)
    .join('\n');
}

/** The name a plan's client index stands for, in histories and on every target. */
export function clientName(index: number): string {
  return `client-${index}`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)}s` : `${ms}ms`;
}

/** A model duration, and on a real target played at a time scale the real time it took too:
 *  `30s (3s real at time scale 0.1)`. A program's own timers (its back-off) run in real time. */
export function formatModelMs(ms: number, timeScale: number | undefined): string {
  if (timeScale === undefined || timeScale === 1) return formatMs(ms);
  return `${formatMs(ms)} (${formatMs(Math.round(ms * timeScale))} real at time scale ${timeScale})`;
}
