/**
 * Test helpers for the wire: a controller server in-process, and a raw WebSocket client that
 * sends any frame and waits for answers by request-id (or for the next frame).
 */
import { WebSocket } from 'ws';
import { controllerProfile, type ControllerProfile } from '../../harness/controller/profile.ts';
import { AdminClient } from '../../harness/wire/admin-client.ts';
import { ControllerServer, type ServerOptions } from '../../harness/wire/server.ts';

export const CREDENTIALS = { username: 'admin', password: 'secret' };

export function profile(name: string, changes: Partial<ControllerProfile> = {}): ControllerProfile {
  const p = controllerProfile(name);
  if (!p) throw new Error(`no profile ${name}`);
  return { ...p, ...changes };
}

/** A profile whose upgrade and hooks take a few real milliseconds at scale 1. */
export function fastProfile(name: string, changes: Partial<ControllerProfile> = {}): ControllerProfile {
  const base = profile(name);
  return {
    ...base,
    timing: {
      upgraderDelayMs: [5, 5],
      downloadMs: [20, 20],
      downloadFailureRate: 0,
      retryMs: 10,
      restartMs: [20, 20],
      stepsMs: [20, 20],
      hookMs: [5, 5],
      settleMs: [5, 5],
      hookRetryMs: 10,
    },
    ...changes,
  };
}

export async function startServer(
  p: ControllerProfile,
  timeScale = 1,
  extra: Partial<ServerOptions> = {},
): Promise<ControllerServer> {
  return ControllerServer.start({ profile: p, credentials: CREDENTIALS, timeScale, ...extra });
}

/**
 * A program's session as the process target opens one: a fast juju-1.24 server (no implicit
 * upgrade, so nothing happens until the test acts), one session at seed 1, and the admin client of
 * that session. The caller closes `server`.
 */
export async function openProgramSession(): Promise<{
  server: ControllerServer;
  modelUrl: string;
  session: AdminClient;
}> {
  const server = await startServer(fastProfile('juju-1.24', { implicitUpgrade: false }));
  const admin = AdminClient.forPort(server.port, CREDENTIALS);
  try {
    const opened = await admin.openSession({ seed: 1 });
    return { server, modelUrl: opened.modelUrl, session: admin.session(opened.modelUuid) };
  } catch (e) {
    await server.close();
    throw e;
  }
}

export interface Frame {
  'request-id': number;
  response: Record<string, unknown>;
  error?: string;
  'error-code'?: string;
}

export class RawClient {
  private readonly frames: Frame[] = [];
  private readonly waiters: (() => void)[] = [];
  private nextId = 1;
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.frames.push(JSON.parse(d.toString()) as Frame);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** `ca`: the CA certificate (PEM) a wss:// server is verified with. */
  static open(url: string, ca?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ca !== undefined ? { ca } : {});
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends a request (request-id filled in) and waits for its answer. */
  async call(
    type: string,
    version: number,
    request: string,
    params?: Record<string, unknown>,
    id?: string,
  ): Promise<Frame> {
    const requestId = this.nextId++;
    this.sendRaw(
      JSON.stringify({
        'request-id': requestId,
        type,
        version,
        request,
        ...(params ? { params } : {}),
        ...(id ? { id } : {}),
      }),
    );
    return this.frame((f) => f['request-id'] === requestId);
  }

  login(password = CREDENTIALS.password): Promise<Frame> {
    return this.call('Admin', 3, 'Login', { 'auth-tag': 'user-admin', credentials: password, nonce: '' });
  }

  /** The first frame (received or to come) that matches. */
  async frame(match: (f: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      if (this.closeCode !== undefined) throw new Error(`closed (${this.closeCode}) before a matching frame`);
      if (Date.now() > end) throw new Error('no matching frame in time');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  async closed(timeoutMs = 5_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > end) throw new Error('still open');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.terminate();
  }
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
