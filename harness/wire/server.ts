/**
 * The controller server: many controllers in one process, each the controller model (one
 * implementation, harness/controller) on real timers, each a session (session.ts) with its own
 * model UUID, clock, model, upgrade state and history, served over Juju's wire protocol at
 * /model/<uuid>/api, as a real controller serves its models. The default session lives at the
 * well-known MODEL_UUID (and /api): the `controller` command serves a person there. A small admin
 * endpoint (admin.ts) on the same port opens and disposes sessions, drives plan events and hands out
 * each session's controller-side history. Loopback only. Each WebSocket is one model connection;
 * while a session's agent is down (bootstrap not done, upgrade restart, crash) its HTTP upgrade is
 * refused with 503, as nothing would be listening on a real controller.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Credentials } from '../controller/api-types.ts';
import type { ApiResponse, ServerTransport } from '../controller/api-types.ts';
import { MODEL_UUID } from '../controller/model-state.ts';
import type { ControllerProfile } from '../controller/profile.ts';
import type { HistoryRecord } from '../history.ts';
import { handleAdmin, type AdminHost } from './admin.ts';
import { decodeRequest, encodeResponse, errorReply } from './codec.ts';
import { ControllerSession, modelPath, type SessionOptions } from './session.ts';

/** The default session's model endpoint. */
export const MODEL_PATH = modelPath(MODEL_UUID);
const CONTROLLER_PATH = '/api';
const MODEL_PATH_PATTERN = /^\/model\/([0-9a-f-]{36})\/api$/;
/** Sessions open at once, besides the default one: far more than any concurrency the harness uses,
 *  few enough that a leaking client cannot grow the server without bound. */
const MAX_SESSIONS = 1024;

/** What one client may cost the server. A hostile or broken client meets these, never the others. */
export interface ServerLimits {
  /** Bigger frames are refused by ws (close 1009); no Juju request comes near the default 1 MiB. */
  maxFrameBytes: number;
  /** A connection that has not logged in by then is closed (1008). */
  loginTimeoutMs: number;
  /** WebSocket connections open at once from one address; more are refused with HTTP 429. Every
   *  harness connection comes from 127.0.0.1, so the default leaves room for many runs at once. */
  maxConnectionsPerAddress: number;
  /** Replies waiting in a connection's send buffer: a client that stops reading is dropped here. */
  maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxFrameBytes: 1 << 20,
  loginTimeoutMs: 60_000,
  maxConnectionsPerAddress: 4096,
  maxBufferedBytes: 16 << 20,
};

export interface ServerOptions {
  profile: ControllerProfile;
  credentials: Credentials;
  /** 0 (default) picks a free port. */
  port?: number;
  timeScale?: number;
  seed?: number;
  /** Told of every controller-side record as it is written (the standalone controller prints them). */
  onRecord?: (record: HistoryRecord) => void;
  /** The address to listen on: loopback unless told otherwise. */
  host?: string;
  limits?: Partial<ServerLimits>;
}

export class ControllerServer implements AdminHost {
  private session: ControllerSession;
  private readonly sessions = new Map<string, ControllerSession>();
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Duplex>();
  private readonly limits: ServerLimits;
  /** Open WebSocket connections per remote address (maxConnectionsPerAddress). */
  private readonly perAddress = new Map<string, number>();

  private constructor(
    private readonly http: Server,
    private readonly options: ServerOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxFrameBytes, perMessageDeflate: false });
    this.session = this.newSession({}, MODEL_UUID);
  }

  static async start(options: ServerOptions): Promise<ControllerServer> {
    const http = createServer();
    const server = new ControllerServer(http, options);
    http.on('request', (req, res) => void handleAdmin(server, req, res));
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => server.upgrade(req, socket, head));
    http.on('connection', (socket) => {
      server.sockets.add(socket);
      socket.on('close', () => server.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The default session's model URL. */
  get modelUrl(): string {
    return this.urlOf(MODEL_UUID);
  }

  urlOf(uuid: string): string {
    return `ws://127.0.0.1:${this.port}${modelPath(uuid)}`;
  }

  get credentials(): Credentials {
    return this.options.credentials;
  }

  /** The default session. */
  get current(): ControllerSession {
    return this.session;
  }

  /** A fresh default session (new model, new Recorder, time zero); its old connections are dropped. */
  reset(options: Partial<Omit<SessionOptions, 'modelUuid'>>): ControllerSession {
    this.session.dispose();
    this.session = this.newSession(options, MODEL_UUID);
    return this.session;
  }

  /** A new session at a fresh model UUID, beside every other; undefined when MAX_SESSIONS are open. */
  open(options: Partial<Omit<SessionOptions, 'modelUuid'>>): ControllerSession | undefined {
    if (this.sessions.size >= MAX_SESSIONS) return undefined;
    const session = this.newSession(options, randomUUID());
    this.sessions.set(session.options.modelUuid, session);
    return session;
  }

  /** The session at `uuid` (the default one included). */
  sessionAt(uuid: string): ControllerSession | undefined {
    return uuid === MODEL_UUID ? this.session : this.sessions.get(uuid);
  }

  /** Disposes an opened session: its connections drop, its timers stop, its UUID is served no more. */
  dispose(uuid: string): boolean {
    const session = this.sessions.get(uuid);
    if (!session) return false;
    this.sessions.delete(uuid);
    session.dispose();
    return true;
  }

  /** WebSocket connections open now. */
  get connectionCount(): number {
    return this.wss.clients.size;
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    this.session.dispose();
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    for (const ws of this.wss.clients) ws.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private newSession(options: Partial<SessionOptions>, modelUuid: string): ControllerSession {
    return new ControllerSession(
      {
        modelUuid,
        profile: options.profile ?? this.options.profile,
        credentials: this.options.credentials,
        seed: options.seed ?? this.options.seed ?? 0,
        timeScale: options.timeScale ?? this.options.timeScale ?? 1,
        ...(options.originEpochMs !== undefined ? { originEpochMs: options.originEpochMs } : {}),
      },
      this.options.onRecord,
    );
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A TCP reset is the network's doing (the fault proxy's reset); a FIN, with or without a
    // WebSocket close frame, is the client's (it closed, or its process exited).
    let reset = false;
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') reset = true;
      socket.destroy();
    });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const session = this.routeOf(url.pathname);
    if (!session) return refuse(socket, 404, 'Not Found');
    if (!session.controller.isUp) return refuse(socket, 503, 'Service Unavailable');
    // Which client this is: the harness names its clients in the URL (?client=client-0); anyone
    // else is named by address.
    const label = clientLabel(url.searchParams.get('client')) ?? `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const address = req.socket.remoteAddress ?? '';
    const open = this.perAddress.get(address) ?? 0;
    if (open >= this.limits.maxConnectionsPerAddress) return refuse(socket, 429, 'Too Many Requests');
    this.perAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    const proceed = (): void =>
      this.wss.handleUpgrade(req, socket, head, (ws) => attach(ws, socket, session, label, this.limits, () => reset));
    if (!session.links.holdDial(label, socket, proceed)) proceed();
  }

  /** The session a WebSocket path names: /model/<uuid>/api, or /api for the default one. */
  private routeOf(pathname: string): ControllerSession | undefined {
    if (pathname === CONTROLLER_PATH) return this.session;
    const uuid = MODEL_PATH_PATTERN.exec(pathname)?.[1];
    return uuid !== undefined ? this.sessionAt(uuid) : undefined;
  }
}

/** One WebSocket, one model connection. */
function attach(
  ws: WebSocket,
  socket: Duplex,
  session: ControllerSession,
  label: string,
  limits: ServerLimits,
  wasReset: () => boolean,
): void {
  ws.on('error', () => {}); // a 'close' always follows
  // Replies held while the client is partitioned (a fault tied to its activity: client-links.ts).
  let held: ApiResponse[] | undefined;
  const transport: ServerTransport = {
    send: (response) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (held) return void held.push(response);
      // A client that stops reading would have its replies pile up here without bound.
      if (ws.bufferedAmount > limits.maxBufferedBytes) return ws.terminate();
      ws.send(encodeResponse(response));
    },
    // An agent that stops sends no close frame: its sockets just go away.
    close: () => ws.terminate(),
  };
  const conn = session.controller.connect(label, transport);
  if (!conn) {
    ws.terminate(); // the agent went down between the upgrade request and now
    return;
  }
  let faulted = false;
  const removeLink = session.links.add(label, {
    reset: () => {
      faulted = true;
      (socket as Socket).resetAndDestroy();
      conn.drop('fault');
    },
    hold: () => {
      held ??= [];
      socket.pause();
    },
    release: () => {
      const replies = held ?? [];
      held = undefined;
      for (const r of replies) transport.send(r);
      socket.resume();
    },
  });
  const loginTimer = setTimeout(() => {
    if (!conn.authenticated) ws.close(1008, 'login timeout');
  }, limits.loginTimeoutMs);
  loginTimer.unref();
  ws.on('message', (data: RawData) => {
    const decoded = decodeRequest(text(data));
    if (!decoded.ok) return transport.send(decoded.reply);
    try {
      conn.receive(decoded.request);
    } catch (e) {
      // A bug in the model must not take the server down with it; the client gets an error reply.
      process.stderr.write(
        `upgrade-chaos controller: error serving ${decoded.request.type}.${decoded.request.request}: ${(e as Error).stack}\n`,
      );
      transport.send(errorReply(decoded.request['request-id'], `internal error: ${(e as Error).message}`, ''));
    }
  });
  // A connection cut by the network (the fault proxy's reset) is a fault in the model's records.
  ws.on('close', () => {
    clearTimeout(loginTimer);
    removeLink();
    if (wasReset() || faulted) conn.drop('fault');
    else conn.closedByClient();
  });
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function clientLabel(value: string | null): string | undefined {
  return value !== null && /^[A-Za-z0-9._:-]{1,64}$/.test(value) ? value : undefined;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
