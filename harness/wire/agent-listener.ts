/**
 * The controller agent's own TLS listener (wss:// API, https:// charm uploads): it listens only
 * while the agent is up, as a real controller's jujud does, so a client that dials while the agent
 * is down (bootstrap not done, upgrade restart, crash) gets its connection refused at the TCP
 * level. python-libjuju retries a refused dial but takes an HTTP error on the handshake as final,
 * so answering 503 here would judge the harness, not the client. The port is kept across restarts.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { TlsMaterial } from './tls.ts';

export interface AgentListenerHandlers {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Whether the agent is up now: a connection accepted in the moment before the listener
   *  closes is reset. */
  agentUp(): boolean;
}

/**
 * One secure context per server's material, shared by every session's listener. An https.Server
 * builds its own from the key and certificate (parsing them: milliseconds), and each run's session
 * has a listener: that was a sixth of the controller server's CPU on the process target.
 */
const contexts = new WeakMap<TlsMaterial, SecureContext>();

function secureContextOf(material: TlsMaterial): SecureContext {
  let context = contexts.get(material);
  if (!context) contexts.set(material, (context = createSecureContext({ cert: material.cert, key: material.key })));
  return context;
}

/**
 * HTTPS on the agent's port: a TCP listener whose connections are wrapped in TLS with the shared
 * context (secureContextOf) and handed to an HTTP server that never listens itself.
 */
export class AgentListener {
  private readonly server: Server;
  private readonly http: HttpServer;
  private listening = false;
  /** The state the listener is moving to; reconcile() catches up with the latest. */
  private wanted = true;
  private busy: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly sockets = new Set<Socket>();

  constructor(
    material: TlsMaterial,
    handlers: AgentListenerHandlers,
    private boundPort: number,
    private readonly host = '127.0.0.1',
  ) {
    const secureContext = secureContextOf(material);
    this.http = createHttpServer();
    this.http.on('request', handlers.request);
    this.http.on('upgrade', handlers.upgrade);
    this.server = createNetServer((socket: Socket) => {
      if (!handlers.agentUp()) return socket.resetAndDestroy();
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const secure = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
      // A client that gives up mid-handshake is the client's business, not the server's.
      secure.on('error', () => secure.destroy());
      this.http.emit('connection', secure);
    });
  }

  /** Binds once (to learn the port; 0 picks one), then listens only while the agent is up. */
  start(up: () => boolean): void {
    this.busy = this.busy
      .then(() => this.listen())
      .then(() => this.follow(up()))
      .catch((e: unknown) => this.report(e));
  }

  get port(): number {
    return this.boundPort;
  }

  /** Listen or stop listening as the agent comes up or goes down. */
  follow(up: boolean): void {
    if (this.closed || up === this.wanted) return;
    this.wanted = up;
    this.busy = this.busy.then(() => this.reconcile()).catch((e: unknown) => this.report(e));
  }

  private report(e: unknown): void {
    process.stderr.write(`upgrade-chaos controller: TLS listener on port ${this.port}: ${(e as Error).message}\n`);
  }

  /** Resolves once the listener has caught up with the agent's last change. */
  async settled(): Promise<void> {
    await this.busy;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wanted = false;
    await this.busy;
    for (const s of this.sockets) s.destroy();
    if (this.listening) this.stop();
  }

  private async reconcile(): Promise<void> {
    if (this.wanted && !this.listening) await this.listen();
    else if (!this.wanted && this.listening) this.stop();
  }

  private listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.boundPort, this.host, () => {
        this.server.off('error', reject);
        this.listening = true;
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops accepting at once. Connections already open are the agent's to drop; close() would wait
   *  for them, but the listening socket is gone at once, which is all a refused dial needs. */
  private stop(): void {
    this.listening = false;
    this.server.close();
  }
}
