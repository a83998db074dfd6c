/**
 * The messages of Juju's API as the model serves them (see shared/reference/juju-api.md). The wire
 * codec turns JSON frames into these and back; the sim network passes them as objects.
 */
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
} as const;

/** The facades the controller serves, one version each (jujulib picks the last match in its list). */
export const FACADES: Readonly<Record<string, number>> = {
  Admin: 3,
  Pinger: 1,
  Client: 8,
  AllWatcher: 3,
  Application: 19,
  ModelUpgrader: 2,
};

/** Long-polling calls: they legitimately stay unanswered until something changes. */
export function isLongPoll(type: string, request: string): boolean {
  return type === 'AllWatcher' && request === 'Next';
}

/** The client's half of a connection, as the model sees it: where its responses go. */
export interface ServerTransport {
  send(response: ApiResponse): void;
  /** Close the connection from the controller's side (agent restart). */
  close(): void;
}
