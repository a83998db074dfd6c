/**
 * The messages of Juju's API as the model serves them (see shared/reference/juju-api.md). The wire
 * codec turns JSON frames into these and back; the sim network passes them as objects. Also
 * `ApiHost`: what one API connection needs from the controller that owns it.
 */
import type { ActivityTriggers } from './activity-triggers.ts';
import type { Scheduler } from '../clock.ts';
import type { Recorder, WatcherStopReason } from '../history.ts';
import type { ModelState } from './model-state.ts';
import type { ControllerProfile } from './profile.ts';

export interface Credentials {
  username: string;
  password: string;
}

/** An explicit upgrade, as `juju upgrade-juju [--agent-version V] [--upload-tools]` asks for it. */
export interface UpgradeRequest {
  version?: string;
  uploadTools?: boolean;
}

export type UpgradeResult = { ok: true; chosen: string } | { ok: false; error: string; code: string };
export interface ApiRequest {
  'request-id': number;
  type: string;
  version: number;
  /** The object id (the watcher id for AllWatcher calls), at the top level. */
  id?: string;
  request: string;
  params?: Record<string, unknown>;
}

export interface ApiResponse {
  'request-id': number;
  response: Record<string, unknown>;
  error?: string;
  'error-code'?: string;
}

/** Error codes used by the model. */
export const ErrorCode = {
  notFound: 'not found',
  unauthorized: 'unauthorized access',
  stopped: 'stopped',
  notImplemented: 'not implemented',
  upgradeInProgress: 'upgrade in progress',
  alreadyExists: 'already exists',
  badRequest: 'bad request',
  notValid: 'not valid',
} as const;

/**
 * The facades the controller serves and every version it serves each at, as a real Juju
 * advertises them; each call is served the same under each version listed. Clients choose:
 * python-libjuju the highest version in both its list and this one (Client 6, Charms 6,
 * ModelManager 9), @canonical/jujulib the LAST version of its own ascending list that is here
 * (Client 8, ModelUpgrader 2).
 */
export const FACADES: Readonly<Record<string, readonly number[]>> = {
  Admin: [3],
  Pinger: [1],
  Client: [6, 8],
  AllWatcher: [3],
  Application: [19],
  ModelUpgrader: [1, 2],
  ModelConfig: [3],
  ModelManager: [9],
  Charms: [6],
};

/** The version the built-in clients call a facade at: the newest one served. */
export function facadeVersion(facade: string): number {
  const versions = FACADES[facade];
  return versions?.at(-1) ?? 0;
}

/** Long-polling calls: they legitimately stay unanswered until something changes. */
export function isLongPoll(type: string, request: string): boolean {
  return type === 'AllWatcher' && request === 'Next';
}

/** The client's half of a connection, as the model sees it: where its responses go. */
export interface ServerTransport {
  send(response: ApiResponse): void;
  /** Close the connection from the controller's side (agent restart). */
  close(): void;
  /** The address the client dialled (a real server's: what Login advertises in `servers`, so a
   *  client that redials from it comes back the same way, through a fault proxy too); the sim has none. */
  readonly address?: ServerAddress;
  /** The controller's cloud-local API address, which a client outside the cloud cannot reach
   *  (wire/cloud-local-address.ts): Login lists it first, beside the address the client dialled, as
   *  Juju lists every API address it knows; the sim has none. */
  readonly cloudLocalAddress?: ServerAddress;
}

/** An API address as Login's `servers` gives it. */
export interface ServerAddress {
  host: string;
  port: number;
}

/**
 * What an API connection uses of the controller that owns it, and nothing more (as the upgrader's
 * AgentHooks): a connection can be read and tested without the whole Controller, and
 * controller/api.ts does not import controller/controller.ts.
 */
export interface ApiHost {
  readonly history: Recorder;
  readonly clock: Scheduler;
  readonly credentials: Credentials;
  readonly profile: Pick<ControllerProfile, 'upgradeErrorStyle' | 'restrictedWindow' | 'clientVersion'>;
  /** The applications, units and the change log the AllWatcher reads. */
  readonly model: ModelState;
  /** The version the agent runs. */
  readonly version: string;
  /** A newer patch status reports as available (inform-only), if any. */
  readonly availableVersion: string | undefined;
  /** An upgrade is pending or running. */
  readonly upgrading: boolean;
  /** The version an upgrade in progress goes to. */
  readonly upgradeTarget: string;
  /** Only the upgrade-restricted root's calls are served now. */
  readonly apiRestricted: boolean;
  /** Faults tied to the clients' API activity: the connection tells it of each call. */
  readonly activity: ActivityTriggers;
  newWatcherId(): string;
  /** Records a watcher started, or stopped (keeping the clients' live watchers: watcherLost). */
  watcherStarted(conn: number, client: string, watcher: string): void;
  watcherStopped(conn: number, client: string, watcher: string, reason: WatcherStopReason): void;
  /** The model's configuration (ModelConfig.ModelGet), values as strings. */
  readonly modelConfig: Readonly<Record<string, string>>;
  /** Adds an application with its units and starts their agents. */
  deployApplication(name: string, charmUrl: string, units: number): void;
  /** Runs `fn` with no unit agent starting a hook, then starts what it made startable. */
  hooksHeld<T>(fn: () => T): T;
  /** Removes an application, its units and their agents; false when there is no such application. */
  removeApplication(name: string): boolean;
  requestUpgrade(req: UpgradeRequest): UpgradeResult;
}
