/**
 * The controller server: the controller model (one implementation, harness/controller) on real
 * timers behind a WebSocket endpoint speaking Juju's wire protocol, at /model/<uuid>/api and /api,
 * plus a small admin endpoint (admin.ts) on the same port that drives plan events and hands out
 * the controller-side history. Loopback only. Each WebSocket is one model connection; while the
 * agent is down (bootstrap not done, upgrade restart, crash) the HTTP upgrade is refused with 503,
 * as nothing would be listening on a real controller.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Credentials } from '../controller/api-types.ts';
import type { ServerTransport } from '../controller/api-types.ts';
import { MODEL_UUID } from '../controller/model-state.ts';
import type { ControllerProfile } from '../controller/profile.ts';
import type { HistoryRecord } from '../history.ts';
import { handleAdmin, type AdminHost } from './admin.ts';
import { decodeRequest, encodeResponse, errorReply } from './codec.ts';
import { ControllerSession, type SessionOptions } from './session.ts';

export const MODEL_PATH = `/model/${MODEL_UUID}/api`;
const CONTROLLER_PATH = '/api';
/** Bigger frames are refused by ws (close 1009); no Juju request comes near this. */
const MAX_FRAME_BYTES = 1 << 20;

export interface ServerOptions {
  profile: ControllerProfile;
  credentials: Credentials;
  /** 0 (default) picks a free port. */
  port?: number;
  timeScale?: number;
  seed?: number;
  /** Told of every controller-side record as it is written (the standalone controller prints them). */
  onRecord?: (record: HistoryRecord) => void;
}

export class ControllerServer implements AdminHost {
  private session: ControllerSession;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  private readonly sockets = new Set<Duplex>();

  private constructor(
    private readonly http: Server,
    private readonly options: ServerOptions,
  ) {
    this.session = this.newSession({});
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
      http.listen(options.port ?? 0, '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get modelUrl(): string {
    return `ws://127.0.0.1:${this.port}${MODEL_PATH}`;
  }

  get credentials(): Credentials {
    return this.options.credentials;
  }

  get current(): ControllerSession {
    return this.session;
  }

  /** A fresh controller (new model, new Recorder, time zero); every old connection is dropped. */
  reset(options: Partial<SessionOptions>): ControllerSession {
    this.session.dispose();
    this.session = this.newSession(options);
    return this.session;
  }

  async close(): Promise<void> {
    this.session.dispose();
    for (const ws of this.wss.clients) ws.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private newSession(options: Partial<SessionOptions>): ControllerSession {
    return new ControllerSession(
      {
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
    if (url.pathname !== MODEL_PATH && url.pathname !== CONTROLLER_PATH) return refuse(socket, 404, 'Not Found');
    const controller = this.session.controller;
    if (!controller.isUp) return refuse(socket, 503, 'Service Unavailable');
    // Which client this is: the harness names its clients in the URL (?client=client-0); anyone
    // else is named by address.
    const label = clientLabel(url.searchParams.get('client')) ?? `${req.socket.remoteAddress}:${req.socket.remotePort}`;
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

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
