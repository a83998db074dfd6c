/**
 * The controller server: the controller model (one implementation, harness/controller) on real
 * timers behind a WebSocket endpoint speaking Juju's wire protocol, at /model/<uuid>/api and /api,
 * plus a small admin endpoint (admin.ts) on the same port that drives plan events and hands out
 * the controller-side history, and CharmHub's charm-info endpoint (charm-http.ts). Loopback only.
 * Each WebSocket is one model connection.
 *
 * With `tls`, the agent also serves wss:// and https:// (charm uploads) on a port of its own, with
 * a CA and server certificate made for this server (tls.ts). That port listens only while the
 * agent is up (agent-listener.ts): a dial while the agent is down is refused at the TCP level, as
 * on a real controller. The plain port stays up for the admin endpoint, so there a ws:// dial
 * while the agent is down is reset before the handshake, the nearest a shared port can come.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Credentials } from '../controller/api-types.ts';
import type { ServerTransport } from '../controller/api-types.ts';
import { MODEL_UUID } from '../controller/model-state.ts';
import type { ControllerProfile } from '../controller/profile.ts';
import type { HistoryRecord } from '../history.ts';
import { handleAdmin, type AdminHost } from './admin.ts';
import { AgentListener } from './agent-listener.ts';
import { CHARMHUB_PATH, handleCharmRoute, isCharmRoute } from './charm-http.ts';
import { decodeRequest, encodeResponse, errorReply } from './codec.ts';
import { ControllerSession, type SessionOptions } from './session.ts';
import { tlsMaterialIn, type TlsMaterial } from './tls.ts';

export const MODEL_PATH = `/model/${MODEL_UUID}/api`;
export const CONTROLLER_PATH = '/api';
/** Bigger frames are refused by ws (close 1009); no Juju request comes near this. */
const MAX_FRAME_BYTES = 1 << 20;
/** Records after which the agent may have come up or gone down. */
const AGENT_CHANGES: ReadonlySet<HistoryRecord['type']> = new Set(['bootstrap', 'agent-up', 'agent-down']);

export interface ServerOptions {
  profile: ControllerProfile;
  credentials: Credentials;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Also serve wss:// and https:// (the agent's own port, listening only while it is up). */
  tls?: boolean;
  /** The TLS port; 0 (default) picks a free one, kept across agent restarts. */
  tlsPort?: number;
  /** Where the CA and server certificate live: reused if there, made and left there if not (a
   *  restarted server process keeps its certificates). Default: a temporary folder. */
  tlsDir?: string;
  timeScale?: number;
  seed?: number;
  /** Told of every controller-side record as it is written (the standalone controller prints them). */
  onRecord?: (record: HistoryRecord) => void;
}

export class ControllerServer implements AdminHost {
  private session!: ControllerSession;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  private readonly sockets = new Set<Duplex>();
  private tls: TlsMaterial | undefined;
  private agent: AgentListener | undefined;

  private constructor(
    private readonly http: Server,
    private readonly options: ServerOptions,
  ) {}

  static async start(options: ServerOptions): Promise<ControllerServer> {
    const http = createServer();
    const server = new ControllerServer(http, options);
    http.on('request', (req, res) => server.request(req, res, true));
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => server.upgrade(req, socket, head));
    http.on('connection', (socket) => {
      server.sockets.add(socket);
      socket.on('close', () => server.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    // The session's model config names the charm-info endpoint, on the port just bound.
    server.session = server.newSession({});
    if (options.tls) await server.startTls(options.tlsPort ?? 0);
    return server;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The ws:// model endpoint (the built-in clients and jujulib use it). */
  get modelUrl(): string {
    return `ws://127.0.0.1:${this.port}${MODEL_PATH}`;
  }

  /** The agent's TLS port, when serving TLS. */
  get tlsPort(): number | undefined {
    return this.agent?.port;
  }

  /** The wss:// model endpoint, when serving TLS (python-libjuju dials only this). */
  get tlsModelUrl(): string | undefined {
    return this.agent ? `wss://127.0.0.1:${this.agent.port}${MODEL_PATH}` : undefined;
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

  get current(): ControllerSession {
    return this.session;
  }

  /** Resolves once the agent's TLS port follows the agent's state: after a bootstrap, clients can
   *  dial it. The admin endpoint answers only then. */
  async settled(): Promise<void> {
    // The agent's change is acted on in a microtask after the record that announces it.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await this.agent?.settled();
  }

  /** A fresh controller (new model, new Recorder, time zero); every old connection is dropped. */
  reset(options: Partial<SessionOptions>): ControllerSession {
    this.session.dispose();
    this.session = this.newSession(options);
    this.followAgent();
    return this.session;
  }

  async close(): Promise<void> {
    this.session.dispose();
    await this.agent?.close();
    for (const ws of this.wss.clients) ws.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.tls?.dispose();
  }

  private async startTls(port: number): Promise<void> {
    this.tls = await tlsMaterialIn(this.options.tlsDir);
    this.agent = await AgentListener.start(
      this.tls,
      {
        request: (req, res) => this.request(req, res, false),
        upgrade: (req, socket, head) => this.upgrade(req, socket, head),
        agentUp: () => this.session.controller.isUp,
      },
      port,
      this.session.controller.isUp,
    );
  }

  private newSession(options: Partial<SessionOptions>): ControllerSession {
    const onRecord = this.options.onRecord;
    return new ControllerSession(
      {
        profile: options.profile ?? this.options.profile,
        credentials: this.options.credentials,
        seed: options.seed ?? this.options.seed ?? 0,
        timeScale: options.timeScale ?? this.options.timeScale ?? 1,
        charmhubUrl: `http://127.0.0.1:${this.port}${CHARMHUB_PATH}`,
        ...(options.originEpochMs !== undefined ? { originEpochMs: options.originEpochMs } : {}),
        ...(options.defaultClient !== undefined ? { defaultClient: options.defaultClient } : {}),
      },
      (record) => {
        // After the action that wrote the record is over: the agent's state is then settled.
        if (AGENT_CHANGES.has(record.type)) queueMicrotask(() => this.followAgent());
        onRecord?.(record);
      },
    );
  }

  private followAgent(): void {
    this.agent?.follow(this.session.controller.isUp);
  }

  /** Plain HTTP (`admin`: the admin routes are there) or the agent's HTTPS. */
  private request(req: IncomingMessage, res: ServerResponse, admin: boolean): void {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (isCharmRoute(pathname)) {
      const { model } = this.session.controller;
      void handleCharmRoute(model, this.options.credentials, req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (e as Error).message }));
      });
    } else if (admin) {
      void handleAdmin(this, req, res);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `no route ${pathname}` }));
    }
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
    if (url.pathname !== MODEL_PATH && url.pathname !== CONTROLLER_PATH) return refuse(socket, 404, 'Not Found');
    if (!this.session.controller.isUp) return resetSocket(socket);
    // Which client this is: the harness names its clients in the URL (?client=client-0) or, for a
    // run's only client, in the session; anyone else is named by address.
    const label =
      clientLabel(url.searchParams.get('client')) ??
      this.session.options.defaultClient ??
      `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    this.wss.handleUpgrade(req, socket, head, (ws) => attach(ws, this.session, label, () => reset));
  }
}

/** One WebSocket, one model connection. */
function attach(ws: WebSocket, session: ControllerSession, label: string, wasReset: () => boolean): void {
  ws.on('error', () => {}); // a 'close' always follows
  const transport: ServerTransport = {
    send: (response) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeResponse(response));
    },
    // An agent that stops sends no close frame: its sockets just go away.
    close: () => ws.terminate(),
  };
  const conn = session.controller.connect(label, transport);
  if (!conn) {
    ws.terminate(); // the agent went down between the upgrade request and now
    return;
  }
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
  ws.on('close', () => (wasReset() ? conn.drop('fault') : conn.closedByClient()));
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
function resetSocket(socket: Duplex): void {
  try {
    (socket as Socket).resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
