/**
 * The sim's in-memory network between clients and the controller model. Each connection is a pair
 * of FIFO directions with a random per-message latency (order is kept, as TCP keeps it). Faults:
 * `reset` closes a client's connections at once (both ends learn of it); `partition` blackholes a
 * client: frames and closes are held, as TCP would keep retransmitting, and flow again on heal;
 * new connections time out meanwhile; `slow` adds a delay to every signal of a client's (dials
 * included) until `unslow`, each direction's order kept; `halfOpen` resets the controller's end of a client's connections
 * and leaves the client's end open and silent for good (nothing more reaches either side). While the controller is paused (controller-freeze.ts), what
 * reaches it waits for the resume, and a new connection's handshake with it too (the kernel accepts
 * it, the frozen server answers nothing), so a dial times out unless the resume comes first.
 */
import assert from 'node:assert/strict';
import type { Scheduler } from '../../clock.ts';
import type { ApiConnection } from '../../controller/api.ts';
import type { ApiRequest, ApiResponse } from '../../controller/api-types.ts';
import type { Controller } from '../../controller/controller.ts';
import type { Range } from '../../controller/profile.ts';
import type { ClientTransport, Dialer } from '../../clients/connection.ts';
import type { Rng } from '../../rng.ts';

export interface NetworkOptions {
  latencyMs: Range;
  connectTimeoutMs: number;
}

/** Where the controller's side of the network runs its code: now, or after a pause. */
export interface ControllerGate {
  readonly paused: boolean;
  run(fn: () => void): void;
}

const ALWAYS_OPEN: ControllerGate = { paused: false, run: (fn) => fn() };

/** Which way a signal goes: to the controller, or to the client. */
type Toward = 'server' | 'client';

/** The end of a connection, sent down a direction after its last frame. */
const CLOSE = 'close';
type Signal = ApiRequest | ApiResponse | typeof CLOSE;

/**
 * One client's side of the network: its latency stream, the faults on its link now, and its path's
 * queue. Each of its connections holds it, so that a signal asks no map by the client's name.
 */
class ClientPath {
  readonly rng: Rng;
  partitioned = false;
  /** The delay a slow link adds to each of its signals now (plan.ts `slow`); 0 when not slow. */
  slowMs = 0;
  /**
   * When the last signal of any of its connections is delivered, each way, once its link has been
   * slow: one path, one queue. A new connection's frames (its dial too) wait behind what an old one
   * still has on its way, so a Deploy sent on a connection the client has since given up on cannot
   * land after what its next connection did (a slow network's queue is the path's, not a
   * connection's). A client never slowed keeps its connections apart, as ever (undefined).
   */
  queue: Record<Toward, number> | undefined = undefined;
  constructor(
    readonly name: string,
    networkRng: Rng,
  ) {
    // Each client's traffic draws from its own stream (fork draws nothing from the network's).
    this.rng = networkRng.fork(name);
  }
}

/** When a signal of `client` due `at` is delivered: not before what its path still carries. */
function onPath(client: ClientPath, toward: Toward, at: number): number {
  const queue = client.queue;
  if (!queue) return at;
  queue[toward] = Math.max(queue[toward], at);
  return queue[toward];
}

/**
 * One direction of a connection. Deliveries are in order and never earlier than the previous one,
 * so the clock fires this direction's timers in the order they were set: each timer delivers the
 * oldest signal in flight, and one bound method serves every timer (no closure per frame).
 */
class Direction {
  private lastDelivery = 0;
  private held: Signal[] = [];
  private readonly inFlight: Signal[] = [];
  private readonly deliverNext = (): void => {
    const frame = this.inFlight.shift();
    // One timer per frame in flight, fired in order: a timer never finds the queue empty.
    if (frame === undefined) assert.fail('a delivery timer fired with no frame in flight');
    this.deliver(frame);
  };

  constructor(
    private readonly net: SimNetwork,
    private readonly client: ClientPath,
    private readonly toward: Toward,
    private readonly deliver: (s: Signal) => void,
  ) {}

  push(signal: Signal): void {
    if (this.client.partitioned) this.held.push(signal);
    else this.schedule(signal);
  }

  flush(): void {
    const held = this.held;
    this.held = [];
    for (const s of held) this.schedule(s);
  }

  private schedule(signal: Signal): void {
    const now = this.net.clock.now();
    const at = onPath(this.client, this.toward, Math.max(this.lastDelivery, now + this.net.latency(this.client)));
    this.lastDelivery = at;
    this.inFlight.push(signal);
    this.net.clock.after(at - now, this.deliverNext);
  }
}

class Link {
  server: ApiConnection | undefined;
  clientClosed = false;
  /** Half-open: nothing reaches the client's end any more, not even the close. */
  silent = false;
  serverClosed = false;
  private frameHandler: ((f: ApiResponse) => void) | undefined;
  private closeHandler: (() => void) | undefined;
  readonly toServer: Direction;
  readonly toClient: Direction;

  readonly client: string;

  constructor(net: SimNetwork, path: ClientPath) {
    this.client = path.name;
    // A paused controller gets the signal at its resume; a running one now, without the closure
    // a deferral needs (one per frame otherwise).
    this.toServer = new Direction(net, path, 'server', (s) => {
      if (net.gate.paused) net.gate.run(() => this.reachServer(s));
      else this.reachServer(s);
    });
    this.toClient = new Direction(net, path, 'client', (s) => {
      if (this.clientClosed || this.silent) return;
      if (s === CLOSE) this.closeClientEnd();
      else this.frameHandler?.(s as ApiResponse);
    });
  }

  private reachServer(s: Signal): void {
    if (this.serverClosed || !this.server) return;
    if (s === CLOSE) {
      this.serverClosed = true;
      this.server.closedByClient();
    } else this.server.receive(s as ApiRequest);
  }

  /** The client's end, as an RpcConnection sees it. */
  readonly clientEnd: ClientTransport = {
    send: (frame) => {
      if (!this.clientClosed) this.toServer.push(frame);
    },
    close: () => {
      if (this.clientClosed) return;
      this.clientClosed = true;
      this.toServer.push(CLOSE);
    },
    onFrame: (handler) => {
      this.frameHandler = handler;
    },
    onClose: (handler) => {
      this.closeHandler = handler;
      if (this.clientClosed) handler(); // closed before the client took the transport
    },
  };

  /** The controller's end: where the model sends responses. */
  readonly serverEnd = {
    send: (frame: ApiResponse) => {
      if (!this.serverClosed) this.toClient.push(frame);
    },
    close: () => {
      if (this.serverClosed) return;
      this.serverClosed = true;
      this.toClient.push(CLOSE);
    },
  };

  closeClientEnd(): void {
    if (this.clientClosed) return;
    this.clientClosed = true;
    this.closeHandler?.();
  }
}

export class SimNetwork {
  private readonly links = new Set<Link>();
  private readonly partitioned = new Set<string>();
  /** Each client's side, by name (made at its first use). */
  private readonly clients = new Map<string, ClientPath>();
  /** The clients slowed now, in the order their windows began (plan.ts `slow`). */
  private readonly slowed = new Set<string>();

  constructor(
    readonly clock: Scheduler,
    private readonly rng: Rng,
    /** Whoever listens on the controller's port now (after a crash, the controller started again). */
    private readonly controller: Pick<Controller, 'connect'>,
    private readonly options: NetworkOptions,
    /** The controller's side runs through it (a paused controller: at the resume). */
    readonly gate: ControllerGate = ALWAYS_OPEN,
  ) {}

  private path(client: string): ClientPath {
    let path = this.clients.get(client);
    if (!path) this.clients.set(client, (path = new ClientPath(client, this.rng)));
    return path;
  }

  /** Latency of the next signal of `client`: each client's traffic draws from its own stream (a
   *  slow link draws as ever, so a run's other timings stay those of the run without it). */
  latency(client: ClientPath): number {
    return client.rng.int(this.options.latencyMs[0], this.options.latencyMs[1]) + client.slowMs;
  }

  /** Every signal of `client` sent from now on takes latencyMs more, until unslow; false if its link
   *  already was slow (the window in force goes on). A signal already on its way keeps its delay,
   *  and one sent after unslow still arrives after it (Direction keeps the order). */
  slow(client: string, latencyMs: number): boolean {
    if (this.slowed.has(client)) return false;
    this.slowed.add(client);
    const path = this.path(client);
    path.slowMs = latencyMs;
    path.queue ??= { server: 0, client: 0 };
    return true;
  }

  unslow(client: string): boolean {
    if (!this.slowed.delete(client)) return false;
    this.path(client).slowMs = 0;
    return true;
  }

  slowedClients(): string[] {
    return [...this.slowed];
  }

  isPartitioned(client: string): boolean {
    return this.clients.get(client)?.partitioned === true;
  }

  dialer(name: string): Dialer {
    const client = this.path(name);
    return (done) => {
      if (client.partitioned) {
        this.clock.after(this.options.connectTimeoutMs, () => done({ ok: false, error: 'dial timeout' }));
        return;
      }
      const reach = onPath(client, 'server', this.clock.now() + this.latency(client)) - this.clock.now();
      this.clock.after(reach, () => {
        let settled = false;
        if (this.gate.paused) {
          this.clock.after(this.options.connectTimeoutMs, () => {
            if (settled) return;
            settled = true;
            done({ ok: false, error: 'dial timeout' });
          });
        }
        this.gate.run(() => {
          if (settled) return; // the client gave up while the controller was paused
          settled = true;
          const link = new Link(this, client);
          const server = this.controller.connect(name, link.serverEnd);
          if (!server) return done({ ok: false, error: 'connection refused' });
          link.server = server;
          this.links.add(link);
          const answer = onPath(client, 'client', this.clock.now() + this.latency(client)) - this.clock.now();
          this.clock.after(answer, () => done({ ok: true, transport: link.clientEnd }));
        });
      });
    };
  }

  /** A TCP reset of every connection of `client`: both ends see it now. */
  reset(client: string): boolean {
    let any = false;
    for (const link of [...this.links]) {
      if (link.client !== client || (link.clientClosed && link.serverClosed)) continue;
      any = true;
      this.links.delete(link);
      if (!link.serverClosed) {
        link.serverClosed = true;
        const server = link.server;
        this.gate.run(() => server?.drop('fault')); // a paused controller learns of it at the resume
      }
      link.closeClientEnd();
    }
    return any;
  }

  /**
   * The client's open connections go half-open: the controller's end is reset now (a paused
   * controller learns of it at the resume), the client's stays open and hears nothing more; what it
   * sends is lost. Its new connections are not touched.
   */
  halfOpen(client: string): boolean {
    let any = false;
    for (const link of [...this.links]) {
      if (link.client !== client || link.clientClosed || link.serverClosed) continue;
      any = true;
      this.links.delete(link);
      link.silent = true;
      link.serverClosed = true;
      const server = link.server;
      this.gate.run(() => server?.drop('fault'));
    }
    return any;
  }

  partition(client: string): boolean {
    if (this.partitioned.has(client)) return false;
    this.partitioned.add(client);
    this.path(client).partitioned = true;
    return true;
  }

  heal(client: string): boolean {
    if (!this.partitioned.delete(client)) return false;
    this.path(client).partitioned = false;
    for (const link of this.links) {
      if (link.client !== client) continue;
      link.toServer.flush();
      link.toClient.flush();
    }
    return true;
  }

  partitionedClients(): string[] {
    return [...this.partitioned];
  }
}
