/**
 * The controller server's admin endpoint: plain JSON over HTTP on the server's own port, for the
 * harness (and a person with curl) to drive the plan's controller events and read the
 * controller-side history. Every route acts on the current session.
 *
 *   POST /admin/reset      {profile?, seed?, timeScale?, originEpochMs?} -> {modelUrl}
 *   POST /admin/bootstrap  -> {applied}
 *   POST /admin/publish    {version} -> {applied}
 *   POST /admin/upgrade    {version?, uploadTools?} -> {applied, chosen?, error?}
 *   POST /admin/restart    -> {applied}            (the agent restarts: every connection drops)
 *   GET  /admin/status     -> SessionStatus
 *   GET  /admin/history    -> SessionHistory
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { controllerProfile, type ControllerProfile } from '../controller/profile.ts';
import { isVersion } from '../controller/version.ts';
import type { ControllerSession, SessionOptions } from './session.ts';

const MAX_BODY_BYTES = 1 << 20;

export interface ResetRequest {
  /** A profile name, or a whole profile (the harness sends its resolved one, scenario changes included). */
  profile?: string | ControllerProfile;
  seed?: number;
  timeScale?: number;
  originEpochMs?: number;
}

export interface ActionResult {
  applied: boolean;
  chosen?: string;
  error?: string;
}

class HttpError {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

type Body = Record<string, unknown>;

/**
 * What the admin routes use of the server they are mounted on (the ControllerServer), and nothing
 * more: admin.ts does not import server.ts, and can be tested over any host.
 */
export interface AdminHost {
  /** The session every route acts on. */
  readonly current: ControllerSession;
  /** Replaces the session with a fresh one (new model, new history, time zero). */
  reset(options: Partial<SessionOptions>): unknown;
  /** Where clients of the current session connect. */
  readonly modelUrl: string;
}

export async function handleAdmin(server: AdminHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
    const body = req.method === 'POST' ? await readBody(req) : {};
    reply(res, 200, serve(server, route, body));
  } catch (e) {
    if (e instanceof HttpError) reply(res, e.status, { error: e.message });
    else reply(res, 500, { error: (e as Error).message });
  }
}

function serve(server: AdminHost, route: string, body: Body): unknown {
  const session = server.current;
  const controller = session.controller;
  switch (route) {
    case 'POST /admin/reset':
      server.reset(resetOptions(body));
      return { modelUrl: server.modelUrl };
    case 'POST /admin/bootstrap':
      return { applied: controller.bootstrap() } satisfies ActionResult;
    case 'POST /admin/publish': {
      const version = body['version'];
      if (typeof version !== 'string' || !isVersion(version))
        throw new HttpError(400, 'publish needs {"version": "1.24.3"}');
      return { applied: controller.publish(version) } satisfies ActionResult;
    }
    case 'POST /admin/upgrade': {
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
    case 'POST /admin/restart':
      return { applied: controller.restart() } satisfies ActionResult;
    case 'GET /admin/status':
      return session.status();
    case 'GET /admin/history':
      return session.snapshot();
    default:
      throw new HttpError(404, `no admin route ${route} (see harness/wire/admin.ts)`);
  }
}

function resetOptions(body: Body): Partial<SessionOptions> {
  const options: Partial<SessionOptions> = {};
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
