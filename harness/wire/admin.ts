/**
 * The controller server's admin endpoint: plain JSON over HTTP on the server's own port, for the
 * harness (and a person with curl) to open and dispose controller sessions, drive the plan's
 * controller events and read each session's controller-side history.
 *
 *   POST   /admin/sessions {profile?, seed?, timeScale?, originEpochMs?, defaultClient?}
 *                                         -> {modelUuid, modelPath, modelUrl, tlsPort?}
 *   DELETE /admin/<uuid>                  -> {disposed}   (its connections drop, its timers stop)
 *   POST   /admin/<uuid>/bootstrap        {operatorApps?: [NAME]} -> {applied}  (the model starts with
 *                                            the operator's applications: controller/operator.ts)
 *   POST   /admin/<uuid>/arm              {index, client, event} -> {applied}  (plan event `index`,
 *                                            tied to `client`'s API activity, or the operator's
 *                                            remove-application of a program's run, at `client`'s
 *                                            next watcher wait or (on: login) its login after it
 *                                            lost its watcher: the session records it as it fires,
 *                                            or at quiesce that it never did: session.ts)
 *   POST   /admin/<uuid>/quiesce          -> {applied, ties: [{index, t, applied}]}  (unfired ties
 *                                            recorded not applied; `ties`: what became of each
 *                                            tie armed, from its event record)
 *   POST   /admin/<uuid>/publish          {version} -> {applied}
 *   POST   /admin/<uuid>/upgrade          {version?, uploadTools?} -> {applied, chosen?, error?}
 *   POST   /admin/<uuid>/restart          -> {applied}   (the agent restarts: every connection drops)
 *   POST   /admin/<uuid>/stop-watchers    {client} -> {applied}  (the client's watchers stopped, its
 *                                            connections up: plan.ts `stop-watcher`)
 *   GET    /admin/<uuid>/status           -> SessionStatus
 *   GET    /admin/<uuid>/status?until=quiet|upgrade-idle|ties-fired&waitMs=N
 *                                         -> SessionStatus once the condition holds, or after N ms
 *                                            (a long poll: the harness waits for it, never polls)
 *   GET    /admin/<uuid>/history          -> SessionHistory
 *
 * Without a UUID, a route acts on the default session (the one at MODEL_UUID that the `controller`
 * command serves); `POST /admin/reset` (same body as /admin/sessions) replaces it with a fresh one.
 * A server with TLS gives each session an agent port of its own (`tlsPort`), listening while that
 * session's agent is up; a route answers once that port follows what the route did.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { controllerProfile, type ControllerProfile } from '../controller/profile.ts';
import { isVersion } from '../controller/version.ts';
import { seedOperatorApps } from '../controller/operator.ts';
import type { PlanEvent } from '../plan.ts';
import type { TieOutcome } from '../history.ts';
import type { Credentials } from '../controller/api-types.ts';
import { sameSecret } from '../controller/secret.ts';
import {
  modelPath,
  STATUS_CONDITIONS,
  type ControllerSession,
  type SessionOptions,
  type StatusCondition,
} from './session.ts';

const MAX_BODY_BYTES = 1 << 20;
/** Longest a status request waits for its condition (the harness asks for less). */
const MAX_STATUS_WAIT_MS = 60_000;

export interface ResetRequest {
  /** A profile name, or a whole profile (the harness sends its resolved one, scenario changes included). */
  profile?: string | ControllerProfile;
  seed?: number;
  timeScale?: number;
  originEpochMs?: number;
  /** Names connections that do not name themselves (see SessionOptions.defaultClient). */
  defaultClient?: string;
  /** Keep the session on disk (a server started with --state-dir): it survives a kill of the server. */
  durable?: boolean;
}

export interface ActionResult {
  applied: boolean;
  chosen?: string;
  error?: string;
}

/** The answer to quiesce: what became of every tie the session armed (session.ts quiesce). */
export interface QuiesceResult extends ActionResult {
  ties: TieOutcome[];
}

class HttpError {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

type Body = Record<string, unknown>;
type NewSessionOptions = Partial<Omit<SessionOptions, 'modelUuid'>>;

/**
 * What the admin routes use of the server they are mounted on (the ControllerServer), and nothing
 * more: admin.ts does not import server.ts, and can be tested over any host.
 */
export interface AdminHost {
  /** The controller's credentials: the admin endpoint takes the same (HTTP Basic). */
  readonly credentials: Credentials;
  /** The default session. */
  readonly current: ControllerSession;
  readonly modelUrl: string;
  reset(options: NewSessionOptions): ControllerSession;
  /** undefined when the server holds as many sessions as it will. */
  open(options: NewSessionOptions): ControllerSession | undefined;
  sessionAt(uuid: string): ControllerSession | undefined;
  dispose(uuid: string): boolean;
  urlOf(uuid: string): string;
  /** Resolves once what a route changed is in effect for clients (a session's agent port listens). */
  settled?(): Promise<void>;
  /** The session's agent TLS port, when the server serves TLS. */
  tlsPortOf?(uuid: string): number | undefined;
}

export interface OpenedSession {
  modelUuid: string;
  /** Where clients connect on the server's port: /model/<uuid>/api. */
  modelPath: string;
  modelUrl: string;
  /** The session's own agent TLS port (wss:// and https:// at the same path), when the server has TLS. */
  tlsPort?: number;
}

const UUID_SEGMENT = /^[0-9a-f-]{36}$/;

export async function handleAdmin(host: AdminHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (!authorized(req.headers.authorization, host.credentials)) {
      res.setHeader('www-authenticate', 'Basic realm="upgrade-chaos"');
      throw new HttpError(401, "the admin endpoint takes the controller's username and password (HTTP Basic)");
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = req.method === 'POST' ? await readBody(req) : {};
    const result = route(host, req.method ?? 'GET', url.pathname.replace(/\/+$/, ''), body, url.searchParams);
    await host.settled?.();
    // A result computed late reads what only exists once settled (a new session's TLS port).
    reply(res, 200, await (typeof result === 'function' ? (result as () => unknown)() : result));
  } catch (e) {
    if (e instanceof HttpError) reply(res, e.status, { error: e.message });
    else reply(res, 500, { error: (e as Error).message });
  }
}

/** Splits /admin/[<uuid>/]<action> and hands it to the session it names (the default one if none). */
function route(host: AdminHost, method: string, pathname: string, body: Body, query: URLSearchParams): unknown {
  const [root, first, ...rest] = pathname.split('/').slice(1);
  if (root !== 'admin') throw new HttpError(404, `no admin route ${method} ${pathname} (see harness/wire/admin.ts)`);
  if (method === 'POST' && first === 'sessions' && rest.length === 0) return openSession(host, body);
  if (method === 'POST' && first === 'reset' && rest.length === 0) {
    host.reset(resetOptions(body));
    return { modelUrl: host.modelUrl };
  }
  if (first !== undefined && UUID_SEGMENT.test(first)) {
    if (method === 'DELETE' && rest.length === 0) return { disposed: host.dispose(first) };
    const session = host.sessionAt(first);
    if (!session) throw new HttpError(404, `no session ${first}`);
    return serve(session, `${method} ${rest.join('/')}`, body, query);
  }
  return serve(host.current, `${method} ${[first, ...rest].join('/')}`, body, query);
}

/** Answered once settled: the session's TLS port is bound only then. */
function openSession(host: AdminHost, body: Body): () => OpenedSession {
  const session = host.open(resetOptions(body));
  if (!session) throw new HttpError(503, 'too many sessions open: dispose some (DELETE /admin/<uuid>)');
  const modelUuid = session.options.modelUuid;
  return () => {
    const tlsPort = host.tlsPortOf?.(modelUuid);
    return {
      modelUuid,
      modelPath: modelPath(modelUuid),
      modelUrl: host.urlOf(modelUuid),
      ...(tlsPort !== undefined ? { tlsPort } : {}),
    };
  };
}

function serve(session: ControllerSession, action: string, body: Body, query: URLSearchParams): unknown {
  const controller = session.controller;
  switch (action) {
    case 'POST bootstrap': {
      const apps = body['operatorApps'] ?? [];
      if (!Array.isArray(apps) || !apps.every((a) => typeof a === 'string' && /^[a-z][a-z0-9-]*$/.test(a)))
        throw new HttpError(400, 'bootstrap takes {"operatorApps"?: ["old-mysql"]}');
      const applied = controller.bootstrap();
      if (applied) seedOperatorApps(controller, apps as string[]);
      return { applied } satisfies ActionResult;
    }
    case 'POST publish': {
      const version = body['version'];
      if (typeof version !== 'string' || !isVersion(version))
        throw new HttpError(400, 'publish needs {"version": "1.24.3"}');
      return { applied: controller.publish(version) } satisfies ActionResult;
    }
    case 'POST upgrade': {
      const version = body['version'];
      if (version !== undefined && (typeof version !== 'string' || !isVersion(version))) {
        throw new HttpError(400, 'upgrade takes {"version"?: "1.24.3", "uploadTools"?: true}');
      }
      const result = controller.requestUpgrade({
        ...(version !== undefined ? { version } : {}),
        ...(body['uploadTools'] === true ? { uploadTools: true } : {}),
      });
      return (
        result.ok ? { applied: true, chosen: result.chosen } : { applied: false, error: result.error }
      ) satisfies ActionResult;
    }
    case 'POST arm': {
      const { index, event, client } = body;
      if (!Number.isInteger(index) || typeof client !== 'string' || typeof event !== 'object' || event === null)
        throw new HttpError(400, 'arm needs {"index": N, "client": "client-0", "event": {...}} (a tied plan event)');
      const { kind, app } = event as { kind?: unknown; app?: unknown };
      if (kind === 'remove' && !(typeof app === 'string' && /^[a-z][a-z0-9-]*$/.test(app)))
        throw new HttpError(
          400,
          'arm takes a remove as {"kind": "remove", "client": 0, "app": "mysql", "on"?: "login"}',
        );
      if (!session.arm(index as number, event as PlanEvent, client))
        throw new HttpError(
          400,
          "arm takes a disconnect, partition, slow, half-open, stop-watcher, restart or upgrade tied to API activity, or a remove (the operator's)",
        );
      return { applied: true } satisfies ActionResult;
    }
    case 'POST quiesce':
      return { applied: true, ties: session.quiesce() } satisfies QuiesceResult;
    case 'POST restart':
      return { applied: controller.restart() } satisfies ActionResult;
    case 'POST stop-watchers': {
      const client = body['client'];
      if (typeof client !== 'string') throw new HttpError(400, 'stop-watchers needs {"client": "client-0"}');
      return { applied: controller.stopWatchers(client) } satisfies ActionResult;
    }
    case 'GET status':
      return statusOf(session, query);
    case 'GET history':
      return session.snapshot();
    default:
      throw new HttpError(404, `no admin route ${action} (see harness/wire/admin.ts)`);
  }
}

/** The status now, or (?until=...&waitMs=N) once the condition holds, waiting at most N ms. */
function statusOf(session: ControllerSession, query: URLSearchParams): unknown {
  const until = query.get('until');
  if (until === null) return session.status();
  if (!isStatusCondition(until))
    throw new HttpError(400, 'status takes ?until=quiet, upgrade-idle or ties-fired (and &waitMs=N)');
  const waitMs = Number(query.get('waitMs') ?? 0);
  if (!Number.isFinite(waitMs) || waitMs < 0 || waitMs > MAX_STATUS_WAIT_MS)
    throw new HttpError(400, `status waitMs must be a number of ms from 0 to ${MAX_STATUS_WAIT_MS}`);
  return session.statusWhen(until, waitMs);
}

function isStatusCondition(until: string): until is StatusCondition {
  return (STATUS_CONDITIONS as readonly string[]).includes(until);
}

function resetOptions(body: Body): NewSessionOptions {
  const options: NewSessionOptions = {};
  const profile = body['profile'];
  if (typeof profile === 'string') {
    const found = controllerProfile(profile);
    if (!found) throw new HttpError(400, `unknown controller profile "${profile}"`);
    options.profile = found;
  } else if (profile !== undefined) {
    if (!looksLikeProfile(profile))
      throw new HttpError(400, 'profile must be a profile name or a whole controller profile');
    options.profile = profile;
  }
  const seed = body['seed'];
  if (seed !== undefined) options.seed = finite(seed, 'seed');
  const scale = body['timeScale'];
  if (scale !== undefined) {
    options.timeScale = finite(scale, 'timeScale');
    if (options.timeScale <= 0) throw new HttpError(400, 'timeScale must be positive');
  }
  const origin = body['originEpochMs'];
  if (origin !== undefined) options.originEpochMs = finite(origin, 'originEpochMs');
  const durable = body['durable'];
  if (durable !== undefined && typeof durable !== 'boolean') throw new HttpError(400, 'durable must be true or false');
  if (durable) options.durable = true;
  const defaultClient = body['defaultClient'];
  if (defaultClient !== undefined) {
    if (typeof defaultClient !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(defaultClient))
      throw new HttpError(400, 'defaultClient must be a client name such as client-0');
    options.defaultClient = defaultClient;
  }
  return options;
}

function looksLikeProfile(v: unknown): v is ControllerProfile {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p['name'] === 'string' &&
    typeof p['clientVersion'] === 'string' &&
    Array.isArray(p['streams']) &&
    typeof p['timing'] === 'object' &&
    p['timing'] !== null &&
    (p['api'] === 'open' || p['api'] === 'restricted')
  );
}

function finite(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new HttpError(400, `${name} must be a number`);
  return v;
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpError(400, 'body must be a JSON object');
  return value as Body;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** HTTP Basic credentials, compared in constant time. */
function authorized(header: string | undefined, credentials: Credentials): boolean {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '')?.[1];
  if (encoded === undefined) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = sameSecret(decoded.slice(0, colon), credentials.username);
  return sameSecret(decoded.slice(colon + 1), credentials.password) && user;
}
