/**
 * The controller server: many controllers in one process, each the controller model (one
 * implementation, harness/controller) on real timers, each a session (session.ts) with its own
 * model UUID, clock, model, upgrade state and history, served over Juju's wire protocol at
 * /model/<uuid>/api, as a real controller serves its models. The default session lives at the
 * well-known MODEL_UUID (and /api): the `controller` command serves a person there. A small admin
 * endpoint (admin.ts) on the same port opens and disposes sessions, drives plan events and hands out
 * each session's controller-side history, and CharmHub's charm-info endpoint (charm-http.ts).
 * Loopback only. Each WebSocket is one model connection.
 *
 * With `tls`, each session's agent also serves wss:// and https:// (charm uploads) on a port of its
 * own, with a CA and server certificate made for this server (tls.ts). That port listens only while
 * the session's agent is up (agent-listener.ts): a dial while the agent is down is refused at the
 * TCP level, as on a real controller. The plain port stays up for the admin endpoint and every
 * session, so there a ws:// dial while the session's agent is down is reset before the handshake,
 * the nearest a shared port can come (an HTTP 503 would be an answer no real controller gives).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Credentials } from '../controller/api-types.ts';
import type { ApiResponse, ServerAddress, ServerTransport } from '../controller/api-types.ts';
import { MODEL_UUID } from '../controller/model-state.ts';
import type { ControllerProfile } from '../controller/profile.ts';
import type { HistoryRecord } from '../history.ts';
import { handleAdmin, type AdminHost } from './admin.ts';
import { AgentListener } from './agent-listener.ts';
import { CHARMHUB_PATH, charmRouteOf, handleCharmRoute } from './charm-http.ts';
import { CloudLocalAddress } from './cloud-local-address.ts';
import { decodeRequest, encodeResponse, errorReply } from './codec.ts';
import { ControllerSession, modelPath, type SessionDurability, type SessionOptions } from './session.ts';
import { SessionStore, type StoredSession } from './session-store.ts';
import { tlsMaterialIn, type TlsMaterial } from './tls.ts';

/** The default session's model endpoint. */
export const MODEL_PATH = modelPath(MODEL_UUID);
export const CONTROLLER_PATH = '/api';
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
/** Records after which a session's agent may have come up or gone down. */
const AGENT_CHANGES: ReadonlySet<HistoryRecord['type']> = new Set(['bootstrap', 'agent-up', 'agent-down']);

type NewSessionOptions = Partial<Omit<SessionOptions, 'modelUuid'>>;

export interface ServerOptions {
  profile: ControllerProfile;
  credentials: Credentials;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Also serve wss:// and https://: each session's agent on a port of its own, listening only while
   *  that agent is up. */
  tls?: boolean;
  /** The default session's TLS port; 0 (default) picks a free one. Kept across agent restarts. */
  tlsPort?: number;
  /** Where the CA and server certificate live: reused if there, made and left there if not (a
   *  restarted server process keeps its certificates). Default: a temporary folder. */
  tlsDir?: string;
  timeScale?: number;
  seed?: number;
  /** Told of every controller-side record as it is written (the standalone controller prints them). */
  onRecord?: (record: HistoryRecord) => void;
  /** The address to listen on: loopback unless told otherwise. */
  host?: string;
  /** Where sessions opened `durable` are kept (session-store.ts); a server started on the same
   *  folder after a kill takes them back, at their model UUIDs and agent TLS ports. */
  stateDir?: string;
  limits?: Partial<ServerLimits>;
}

export class ControllerServer implements AdminHost {
  /** The default session; undefined only while start() runs (and after it failed). */
  private session: ControllerSession | undefined;
  private readonly sessions = new Map<string, ControllerSession>();
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Duplex>();
  private readonly limits: ServerLimits;
  /** Open WebSocket connections per remote address (maxConnectionsPerAddress). */
  private readonly perAddress = new Map<string, number>();
  private tls: TlsMaterial | undefined;
  /** Each session's agent TLS port, by model UUID (the default session's survives its resets). */
  private readonly agents = new Map<string, AgentListener>();
  private readonly store: SessionStore | undefined;
  /** Where Login says the controller's cloud-local API address is: unreachable from its clients. */
  private cloudLocal: CloudLocalAddress | undefined;

  private constructor(
    private readonly http: Server,
    private readonly options: ServerOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxFrameBytes, perMessageDeflate: false });
    this.store = options.stateDir !== undefined ? new SessionStore(options.stateDir) : undefined;
  }

  static async start(options: ServerOptions): Promise<ControllerServer> {
    const http = createServer();
    const server = new ControllerServer(http, options);
    http.on('request', (req, res) => server.request(req, res));
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
    try {
      if (options.tls) server.tls = await tlsMaterialIn(options.tlsDir);
      server.cloudLocal = await CloudLocalAddress.listen(options.host ?? '127.0.0.1');
      // The session's model config names the charm-info endpoint, on the port just bound.
      server.session = server.newSession({}, MODEL_UUID);
      server.takeBackSessions();
      await server.settled();
    } catch (error) {
      // No one gets the server to close: what it opened so far (the port, the cloud-local listener,
      // sessions and their agents' ports) would stay open with the process.
      await server.close();
      throw error;
    }
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

  /** The default session's agent TLS port, when serving TLS. */
  get tlsPort(): number | undefined {
    return this.tlsPortOf(MODEL_UUID);
  }

  tlsPortOf(uuid: string): number | undefined {
    return this.agents.get(uuid)?.port;
  }

  /** The default session's wss:// model endpoint, when serving TLS (python-libjuju dials only this). */
  get tlsModelUrl(): string | undefined {
    const port = this.tlsPort;
    return port !== undefined ? `wss://127.0.0.1:${port}${MODEL_PATH}` : undefined;
  }

  /** The CA certificate (PEM) and the file holding it, when serving TLS. */
  get caCert(): string | undefined {
    return this.tls?.caCert;
  }

  get caCertFile(): string | undefined {
    return this.tls?.caCertFile;
  }

  get credentials(): Credentials {
    return this.options.credentials;
  }

  /** The default session. */
  get current(): ControllerSession {
    assert(this.session, 'the controller server has started');
    return this.session;
  }

  /** A fresh default session (new model, new Recorder, time zero); its old connections are dropped. */
  reset(options: NewSessionOptions): ControllerSession {
    this.current.dispose();
    this.session = this.newSession(options, MODEL_UUID);
    return this.session;
  }

  /** Resolves once every session's agent TLS port follows its agent's state: after a bootstrap,
   *  clients can dial it. The admin endpoint answers only then. */
  async settled(): Promise<void> {
    // An agent's change is acted on in a microtask after the record that announces it.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await Promise.all([...this.agents.values()].map((a) => a.settled()));
  }

  /** A new session at a fresh model UUID, beside every other; undefined when MAX_SESSIONS are open. */
  open(options: NewSessionOptions): ControllerSession | undefined {
    if (this.sessions.size >= MAX_SESSIONS) return undefined;
    const modelUuid = randomUUID();
    const session = this.newSession(
      options,
      modelUuid,
      options.durable ? this.durability(modelUuid, options) : undefined,
    );
    this.sessions.set(modelUuid, session);
    return session;
  }

  /** A durable session's journal, when the server keeps state (else the session is in memory only). */
  private durability(
    modelUuid: string,
    options: NewSessionOptions,
    stored?: StoredSession,
  ): SessionDurability | undefined {
    if (!this.store) return undefined;
    const journal = this.store.journal({
      modelUuid,
      profile: options.profile ?? this.options.profile,
      seed: options.seed ?? this.options.seed ?? 0,
      timeScale: options.timeScale ?? this.options.timeScale ?? 1,
      ...(options.originEpochMs !== undefined ? { originEpochMs: options.originEpochMs } : {}),
      ...(options.defaultClient !== undefined ? { defaultClient: options.defaultClient } : {}),
    });
    const recover = stored && { state: stored.state.controller, records: stored.records };
    return { journal, tlsPort: () => this.tlsPortOf(modelUuid), ...(recover ? { recover } : {}) };
  }

  /** Started after a kill on the state folder of the server before: every durable session comes
   *  back at its model UUID and agent TLS port, and recovers (controller/durable-state.ts). */
  private takeBackSessions(): void {
    for (const stored of this.store?.load() ?? []) {
      const { modelUuid, ...options } = stored.options;
      const session = this.newSession(
        { ...options, durable: true },
        modelUuid,
        this.durability(modelUuid, options, stored),
        stored.state.tlsPort,
      );
      this.sessions.set(modelUuid, session);
    }
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
    this.store?.remove(uuid);
    const agent = this.agents.get(uuid);
    this.agents.delete(uuid);
    void agent?.close();
    return true;
  }

  /** WebSocket connections open now. */
  get connectionCount(): number {
    return this.wss.clients.size;
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  /** Closes what start() opened, in the reverse order, as far as it got: a start that failed midway
   *  closes here too. */
  async close(): Promise<void> {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.session?.dispose();
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
    await this.cloudLocal?.close();
    this.tls?.dispose();
    for (const ws of this.wss.clients) ws.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private newSession(
    options: Partial<SessionOptions>,
    modelUuid: string,
    durability?: SessionDurability,
    tlsPort = 0,
  ): ControllerSession {
    const onRecord = this.options.onRecord;
    const session = new ControllerSession(
      {
        modelUuid,
        profile: options.profile ?? this.options.profile,
        credentials: this.options.credentials,
        seed: options.seed ?? this.options.seed ?? 0,
        timeScale: options.timeScale ?? this.options.timeScale ?? 1,
        charmhubUrl: `http://127.0.0.1:${this.port}${CHARMHUB_PATH}`,
        ...(options.originEpochMs !== undefined ? { originEpochMs: options.originEpochMs } : {}),
        ...(options.defaultClient !== undefined ? { defaultClient: options.defaultClient } : {}),
      },
      (record) => {
        // After the action that wrote the record is over: the agent's state is settled then.
        if (AGENT_CHANGES.has(record.type)) queueMicrotask(() => this.followAgent(modelUuid));
        onRecord?.(record);
      },
      durability,
    );
    if (this.tls && !this.agents.has(modelUuid)) this.startAgent(this.tls, modelUuid, tlsPort);
    else this.followAgent(modelUuid);
    return session;
  }

  /** The session's own TLS port, bound now (the default session's at --tls-port) and from then on
   *  listening only while that session's agent is up. */
  private startAgent(tls: TlsMaterial, uuid: string, port: number): void {
    const agent = new AgentListener(
      tls,
      {
        request: (req, res) => this.request(req, res, uuid),
        upgrade: (req, socket, head) => this.upgrade(req, socket, head, uuid),
        agentUp: () => this.sessionAt(uuid)?.controller.isUp ?? false,
      },
      uuid === MODEL_UUID ? (this.options.tlsPort ?? 0) : port,
      this.options.host,
    );
    this.agents.set(uuid, agent);
    agent.start(() => this.sessionAt(uuid)?.controller.isUp ?? false);
  }

  private followAgent(uuid: string): void {
    this.agents.get(uuid)?.follow(this.sessionAt(uuid)?.controller.isUp ?? false);
  }

  /** Plain HTTP (`agentOf` undefined: the admin routes are there too) or a session agent's HTTPS. */
  private request(req: IncomingMessage, res: ServerResponse, agentOf?: string): void {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const charm = charmRouteOf(pathname);
    if (charm) {
      // An upload goes to the model it names, and on an agent's port only to that agent's model.
      const uuid = charm.modelUuid;
      const session =
        uuid === undefined
          ? this.session
          : agentOf === undefined || agentOf === uuid
            ? this.sessionAt(uuid)
            : undefined;
      if (!session) return notFound(res, pathname);
      void handleCharmRoute(session.controller.model, this.options.credentials, req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (e as Error).message }));
      });
    } else if (agentOf === undefined) {
      void handleAdmin(this, req, res);
    } else {
      notFound(res, pathname);
    }
  }

  /** `agentOf`: the session whose agent port this came in on (only its model is served there). */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, agentOf?: string): void {
    // A TCP reset is the network's doing (the fault proxy's reset); a FIN, with or without a
    // WebSocket close frame, is the client's (it closed, or its process exited).
    let reset = false;
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') reset = true;
      socket.destroy();
    });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const session = this.routeOf(url.pathname, agentOf);
    if (!session) return refuse(socket, 404, 'Not Found');
    // Which client this is: the harness names its clients in the URL (?client=client-0) or, for a
    // run's only client, in the session; anyone else is named by address.
    const label =
      clientLabel(url.searchParams.get('client')) ??
      session.options.defaultClient ??
      `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    // The agent is down: the model records the refused dial, as the sim's network does.
    if (!session.controller.admits(label)) return resetSocket(socket);
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
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        attach(
          ws,
          socket,
          session,
          { label, address: dialledAddress(req), cloudLocalAddress: this.cloudLocal?.address },
          this.limits,
          () => reset,
        ),
      );
    if (session.links.holdDial(label, socket, proceed)) return;
    // Over a slow path the handshake's request comes in, and its answer goes out, behind the rest.
    const path = session.links.path(label);
    path.inbound.run(path.slowMs, () => path.outbound.run(path.slowMs, () => socket.destroyed || proceed()));
  }

  /** The session a WebSocket path names: /model/<uuid>/api, or /api for the controller (the default
   *  session on the plain port; the agent's own session on its TLS port, and only that one there). */
  private routeOf(pathname: string, agentOf?: string): ControllerSession | undefined {
    if (pathname === CONTROLLER_PATH) return this.sessionAt(agentOf ?? MODEL_UUID);
    const uuid = MODEL_PATH_PATTERN.exec(pathname)?.[1];
    if (uuid === undefined || (agentOf !== undefined && uuid !== agentOf)) return undefined;
    return this.sessionAt(uuid);
  }
}

/** One WebSocket, one model connection. */
function attach(
  ws: WebSocket,
  socket: Duplex,
  session: ControllerSession,
  { label, address, cloudLocalAddress }: { label: string; address: ServerAddress; cloudLocalAddress?: ServerAddress },
  limits: ServerLimits,
  wasReset: () => boolean,
): void {
  ws.on('error', () => {}); // a 'close' always follows
  // Replies held while the client is partitioned (a fault tied to its activity: client-links.ts).
  let held: ApiResponse[] | undefined;
  // Half-open (a fault tied to its activity): the model's end is gone, the client's socket stays
  // open and hears nothing more, not even a WebSocket pong (nothing is read from it).
  let silent = false;
  // A slow link (a fault tied to its activity): frames both ways wait on the client's path.
  const path = session.links.path(label);
  const write = (response: ApiResponse): void => {
    if (ws.readyState !== WebSocket.OPEN || silent) return;
    // A client that stops reading would have its replies pile up here without bound.
    if (ws.bufferedAmount > limits.maxBufferedBytes) return ws.terminate();
    ws.send(encodeResponse(response));
  };
  const transport: ServerTransport = {
    send: (response) => {
      if (ws.readyState !== WebSocket.OPEN || silent) return;
      if (held) return void held.push(response);
      path.outbound.run(path.slowMs, () => write(response));
    },
    // An agent that stops sends no close frame: its sockets just go away. A half-open link's stays.
    // After the replies still on their way over a slow link, as a FIN follows the data.
    close: () =>
      path.outbound.run(path.slowMs, () => {
        if (!silent) ws.terminate();
      }),
    address,
    ...(cloudLocalAddress ? { cloudLocalAddress } : {}),
  };
  const conn = session.controller.connect(label, transport);
  if (!conn) {
    ws.terminate(); // the agent went down between the upgrade request and now
    return;
  }
  let faulted = false;
  const removeLink = session.links.add(label, {
    get live() {
      return !faulted && ws.readyState === WebSocket.OPEN;
    },
    reset: () => {
      faulted = true;
      resetSocket(socket);
      conn.drop('fault');
    },
    halfOpen: () => {
      faulted = true;
      silent = true;
      socket.pause();
      removeLink();
      conn.drop('fault');
    },
    cut: () => resetSocket(socket),
    hold: () => {
      held ??= [];
      socket.pause();
    },
    release: () => {
      if (silent) return;
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
  const receive = (data: RawData): void => {
    if (silent) return;
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
  };
  ws.on('message', (data: RawData) => path.inbound.run(path.slowMs, () => receive(data)));
  // A connection cut by the network (the fault proxy's reset) is a fault in the model's records;
  // over a slow path, after the frames that came before it.
  ws.on('close', () =>
    path.inbound.run(path.slowMs, () => {
      clearTimeout(loginTimer);
      removeLink();
      if (wasReset() || faulted) conn.drop('fault');
      else conn.closedByClient();
    }),
  );
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function clientLabel(value: string | null): string | undefined {
  return value !== null && /^[A-Za-z0-9._:-]{1,64}$/.test(value) ? value : undefined;
}

/** Nothing serves the API while the agent is down: a TCP reset (a TLS socket cannot send one
 *  through its TLS layer, so it is just destroyed). */
/** A TCP reset; on the agent's TLS port, of the TCP socket beneath the TLS one (whose own handle
 *  is the TLS layer, which cannot reset): Node keeps that socket as `_parent`. */
/**
 * The address the client dialled: its Host header (through a fault proxy, the proxy's port, which
 * is the way back for a client that redials from Login's `servers`), else the socket's own end.
 */
function dialledAddress(req: IncomingMessage): ServerAddress {
  const own = { host: req.socket.localAddress ?? '127.0.0.1', port: req.socket.localPort ?? 0 };
  const host = req.headers.host;
  if (host === undefined) return own;
  try {
    const url = new URL(`ws://${host}`);
    const port = url.port === '' ? own.port : Number(url.port);
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  } catch {
    return own;
  }
}

function resetSocket(socket: Duplex): void {
  const tcp = socket instanceof TLSSocket ? ((socket as TLSSocket & { _parent?: Duplex })._parent ?? socket) : socket;
  try {
    (tcp as Socket).resetAndDestroy();
  } catch {
    tcp.destroy();
  }
  if (tcp !== socket) socket.destroy();
}

function notFound(res: ServerResponse, pathname: string): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: `no route ${pathname}` }));
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
