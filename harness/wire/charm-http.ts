/**
 * The two HTTP endpoints a Juju 3 client uses around a deploy, besides the WebSocket API:
 *
 *   POST /model/<uuid>/charms?series=S   (the controller's, TLS port; Basic auth user-NAME:PASSWORD;
 *                                          a charm zip) -> {"charm-url": "local:S/NAME-REV"}
 *   GET  /charmhub/v2/charms/info/<name>  (CharmHub's, on loopback: ModelGet's charmhub-url points
 *                                          here) -> the charm's id, name, default release, channels
 *
 * An upload adds the charm to the model, so Application.Deploy can then use its URL. Errors are
 * JSON {"error": ...} with a 4xx status, which python-libjuju raises as a JujuError.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Credentials } from '../controller/api-types.ts';
import type { ModelState } from '../controller/model-state.ts';
import { readZipEntry } from './zip-entry.ts';

export const CHARMHUB_PATH = '/charmhub';
const UPLOAD_PATH = /^\/model\/([0-9a-f-]{36})\/charms$/;
const CHARM_INFO = new RegExp(`^${CHARMHUB_PATH}/v2/charms/info/([a-z0-9][a-z0-9-]{0,63})$`);
/** Charms a test deploys are a few kilobytes; this bounds what one upload may hold in memory. */
const MAX_CHARM_BYTES = 16 << 20;

class UploadError {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

/** Whether this request is for one of these endpoints (else the caller routes it elsewhere), and
 *  for an upload, the model it names. */
export function charmRouteOf(pathname: string): { modelUuid?: string } | undefined {
  const [, modelUuid] = UPLOAD_PATH.exec(pathname) ?? [];
  if (modelUuid) return { modelUuid };
  return CHARM_INFO.test(pathname) ? {} : undefined;
}

export async function handleCharmRoute(
  model: ModelState,
  credentials: Credentials,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  try {
    const [, charmName] = CHARM_INFO.exec(url.pathname) ?? [];
    if (charmName && req.method === 'GET') return reply(res, 200, charmInfo(charmName));
    if (UPLOAD_PATH.test(url.pathname) && req.method === 'POST') {
      if (!authorized(req.headers.authorization, credentials))
        throw new UploadError(401, 'invalid entity name or password');
      const series = url.searchParams.get('series') || 'jammy';
      if (!/^[a-z]{2,16}$/.test(series)) throw new UploadError(400, `invalid series "${series}"`);
      const name = charmNameOf(await readBody(req));
      return reply(res, 200, { 'charm-url': model.addLocalCharm(name, series) });
    }
    throw new UploadError(405, `${req.method ?? 'GET'} not allowed on ${url.pathname}`);
  } catch (e) {
    if (!(e instanceof UploadError)) throw e;
    reply(res, e.status, { error: e.message });
  }
}

/** What CharmHub's info endpoint says of any charm: one revision, stable, not a subordinate. */
function charmInfo(name: string): Record<string, unknown> {
  const revision = {
    revision: 1,
    subordinate: false,
    bases: [{ name: 'ubuntu', channel: '22.04', architecture: 'amd64' }],
  };
  const channel = { name: 'latest/stable', track: 'latest', risk: 'stable', base: revision.bases[0] };
  return {
    id: `${name}-charm-id`,
    name,
    type: 'charm',
    'default-release': { revision, channel, resources: [] },
    'channel-map': [{ channel, revision }],
  };
}

/** Basic auth as Juju's HTTP endpoints take it: user-NAME:PASSWORD, compared in constant time. */
function authorized(header: string | undefined, { username, password }: Credentials): boolean {
  const [, encoded] = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '') ?? [];
  if (!encoded) return false;
  const given = createHash('sha256').update(Buffer.from(encoded, 'base64')).digest();
  const expected = createHash('sha256').update(`user-${username}:${password}`).digest();
  return timingSafeEqual(given, expected);
}

/** The `name:` at the top of the charm's metadata.yaml. */
function charmNameOf(zip: Buffer): string {
  const metadata = readZipEntry(zip, 'metadata.yaml');
  if (!metadata) throw new UploadError(400, 'the upload is not a charm: no metadata.yaml in the zip');
  const name = /^name:\s*["']?([a-z][a-z0-9-]*)["']?\s*$/m.exec(metadata.toString('utf8'))?.[1];
  if (!name) throw new UploadError(400, 'metadata.yaml has no valid charm name');
  return name;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_CHARM_BYTES) throw new UploadError(413, 'charm archive too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
