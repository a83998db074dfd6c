/**
 * A TCP fault proxy on loopback, one per client, between the client and the controller:
 * - refuse() / admit(): while refusing, nothing listens on the proxy's port, so a dial is refused at
 *   the TCP level (ECONNREFUSED), as a controller that is not up yet refuses it. A proxy that
 *   accepted and then closed would show the client a reset or an empty answer instead, which
 *   clients treat differently (python's websockets: InvalidMessage, not ConnectionRefusedError).
 *   admit() listens again on the same port;
 * - reset(): every connection through it is cut now (a TCP reset on both sides);
 * - partition() / heal(): a blackhole. Bytes (and closes) in either direction are held, not lost,
 *   as TCP keeps retransmitting; new connections are accepted but get nowhere. heal() opens the
 *   way again and flushes what was held, in order;
 * - halfOpen(): every connection through it goes half-open for good: the controller's side is reset,
 *   the client's stays open and silent (its bytes are dropped, nothing reaches it, not even a
 *   close) until the run's end cuts it (cutHalfOpen); new connections pass as usual;
 * - latency: every chunk is delayed, order kept; slow() / unslow(): a slow link's window (plan.ts
 *   `slow`) adds its delay to every chunk from then on, in both directions, until unslow(), order
 *   kept across the change (a chunk sent after the window never overtakes one sent in it);
 * - onUpstreamRefused: told of each dial through it that the controller's port refused; onAccepted:
 *   of each connection it accepts.
 * It knows nothing of WebSockets or Juju: faults are on the byte stream, as on a real network.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { givePortBack, listenOn, takePort } from './port-blocks.ts';
import { TargetError } from '../errors.ts';
import { OrderedDelay } from '../ordered-delay.ts';

export interface ProxyOptions {
  /** Where the controller listens: 127.0.0.1 (default) for a server the harness started, a lab
   *  controller's address for the external target. The proxy itself listens on 127.0.0.1 only. */
  targetHost?: string;
  targetPort: number;
  /** Real milliseconds added to every chunk in both directions. */
  latencyMs?: number;
}

type Signal = Buffer | 'end';
/** Which way a chunk goes: to the controller, or to the client. */
type Toward = 'upstream' | 'client';

/** Listening again on a port let go while refusing: tries, and the real time between them. */
const LISTEN_ATTEMPTS = 50;
const LISTEN_RETRY_MS = 20;

/** Ports of this process's blocks tried (each may be held by some other program) before taking the kernel's choice. */
const OWN_PORT_TRIES = 20;

/** One direction of one connection: what is held, and when the last chunk was let through. */
class Direction {
  held: Signal[] = [];
  private readonly delay = new OrderedDelay();
  /** Half-open: whatever comes is dropped. */
  dead = false;
  constructor(
    private readonly proxy: FaultProxy,
    private readonly toward: Toward,
    private readonly out: () => Socket | undefined,
  ) {}

  push(signal: Signal): void {
    if (this.dead) return;
    if (this.proxy.partitioned || !this.out()) this.held.push(signal);
    else this.deliver(signal);
  }

  flush(): void {
    const held = this.held;
    this.held = [];
    for (const s of held) this.deliver(s);
  }

  private deliver(signal: Signal): void {
    const delayMs = this.proxy.onPath(this.toward, this.proxy.latencyMs + this.proxy.slowMs);
    this.delay.run(delayMs, () => this.write(signal));
  }

  /** The connection is gone: nothing more is written. */
  drop(): void {
    this.delay.clear();
  }

  private write(signal: Signal): void {
    const socket = this.out();
    if (!socket || socket.destroyed || this.dead) return;
    if (signal === 'end') socket.end();
    else socket.write(signal);
  }
}

/**
 * A TCP reset of one side. Node's resetAndDestroy() fails, and leaves the handle open for ever (the
 * process then spins at exit), on a socket still connecting or already shutting down (after end()):
 * those are destroyed plainly, which is what a reset amounts to for them.
 */
function cut(socket: Socket): void {
  if (socket.connecting || socket.writableEnded) socket.destroy();
  else socket.resetAndDestroy();
}

class Pair {
  upstream: Socket | undefined;
  private answered = false;
  /** A side died of an error during a partition: the other side learns of it at heal. */
  private resetOnHeal: Socket | undefined;
  readonly toUpstream: Direction;
  readonly toClient: Direction;

  constructor(
    private readonly proxy: FaultProxy,
    readonly client: Socket,
  ) {
    this.toUpstream = new Direction(proxy, 'upstream', () => this.upstream);
    this.toClient = new Direction(proxy, 'client', () => this.client);
    client.on('data', (chunk: Buffer) => this.toUpstream.push(chunk));
    client.on('end', () => this.toUpstream.push('end'));
    client.on('error', () => {});
    client.on('close', (hadError) => this.sideClosed(hadError, this.upstream));
  }

  /** Opens the upstream connection (at accept, or at heal for a connection accepted during a partition). */
  open(): void {
    if (this.upstream || this.client.destroyed) return;
    const upstream = connect({ host: this.proxy.targetHost, port: this.proxy.targetPort, allowHalfOpen: true });
    this.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('data', (chunk: Buffer) => {
      if (!this.answered) {
        this.answered = true;
        this.proxy.answered++;
      }
      this.toClient.push(chunk);
    });
    upstream.on('end', () => this.toClient.push('end'));
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') this.proxy.onUpstreamRefused?.();
    });
    upstream.on('close', (hadError) => this.sideClosed(hadError, this.client));
    this.toUpstream.flush();
  }

  heal(): void {
    if (!this.upstream) this.open();
    else this.toUpstream.flush();
    this.toClient.flush();
    if (this.resetOnHeal) cut(this.resetOnHeal);
    this.resetOnHeal = undefined;
  }

  reset(): void {
    this.toUpstream.drop();
    this.toClient.drop();
    cut(this.client);
    if (this.upstream) cut(this.upstream);
    this.proxy.forget(this);
  }

  /** The controller's side reset; the client's left open, hearing nothing and heard by no one. */
  halfOpen(): void {
    this.toUpstream.dead = this.toClient.dead = true;
    this.toUpstream.held = [];
    this.toClient.held = [];
    this.toUpstream.drop();
    this.toClient.drop();
    if (this.upstream) cut(this.upstream);
  }

  get closed(): boolean {
    return this.client.destroyed && (this.upstream?.destroyed ?? true);
  }

  /** The client still holds its end open and has not heard it close: a fault has something to act
   *  on. A pair outlives its client's close while the other side's close is on its way (or held by
   *  a partition); a half-open then changes nothing for the client. */
  get live(): boolean {
    return !this.client.destroyed && !this.client.readableEnded && !this.client.writableEnded;
  }

  /** A side that died of an error takes the other down with a reset; a clean close was already
   *  passed on as 'end' (held during a partition like any byte). */
  private sideClosed(hadError: boolean, other: Socket | undefined): void {
    if (hadError && other && !this.toClient.dead) {
      if (this.proxy.partitioned) this.resetOnHeal = other;
      else cut(other);
    }
    if (this.closed) this.proxy.forget(this);
  }
}

export class FaultProxy {
  partitioned = false;
  /** Connections the controller has answered (sent a first byte on), since the proxy started. */
  answered = 0;
  /** Connections clients made to the proxy (accepted, whatever became of them), since it started. */
  accepted = 0;
  /**
   * Called when a connection a client made through the proxy finds nothing listening on the
   * controller's side (ECONNREFUSED: an agent's TLS port while the agent is down, a killed server).
   * The controller never sees such a dial, so this is the only place it can be told: the live
   * target records it as the controller would (`conn-refused`). The client's socket is cut, as ever.
   */
  onUpstreamRefused: (() => void) | undefined;
  /** Called as the proxy accepts a client's connection: a --client-cmd program's deadline starts at
   *  its first (clients/command-client.ts). */
  onAccepted: (() => void) | undefined;
  latencyMs: number;
  /** Real milliseconds a slow link's window adds to every chunk now (0: none). */
  slowMs = 0;
  /** Once slow (until clearPath), when the last chunk of any connection is let through, each way:
   *  one path, one queue (sim/network.ts SimNetwork.paths says why). */
  private path: Record<Toward, number> | undefined;
  readonly targetHost: string;
  private forwardPort: number;
  private readonly pairs = new Set<Pair>();
  /** Half-open connections: out of `pairs` (no reset or heal reaches them) until cutHalfOpen(). */
  private readonly halfOpenPairs = new Set<Pair>();
  /** Listening now; undefined while refusing (and once closed). */
  private server: Server | undefined;
  /** The port, kept while refusing so that clients dial the same one when it listens again. */
  private boundPort = 0;
  /** The port of this process's blocks it holds, given back once it closes. */
  private ownPort: number | undefined;
  /** refuse() and admit() in the order they were asked for. */
  private door: Promise<void> = Promise.resolve();
  private wantListening = true;

  private constructor(options: ProxyOptions) {
    this.targetHost = options.targetHost ?? '127.0.0.1';
    this.forwardPort = options.targetPort;
    this.latencyMs = options.latencyMs ?? 0;
  }

  static async start(options: ProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await proxy.listen();
    return proxy;
  }

  /** Whether dials are refused now (or will be, once the last refuse() is done). */
  get refusing(): boolean {
    return !this.wantListening;
  }

  /** Stops listening, keeping the port: dials are refused until admit(). Connections through the
   *  proxy are cut (a controller that is not up has none). */
  refuse(): Promise<void> {
    this.wantListening = false;
    return this.step(() => this.unlisten());
  }

  /** Listens again on the same port. */
  admit(): Promise<void> {
    this.wantListening = true;
    return this.step(() => (this.server || !this.wantListening ? undefined : this.listen()));
  }

  /** The next refuse() or admit(), after the last one (whether it worked or not). */
  private step(action: () => Promise<void> | undefined): Promise<void> {
    this.door = this.door.catch(() => {}).then(action);
    return this.door;
  }

  private async listen(): Promise<void> {
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    server.on('connection', (socket) => this.accept(socket));
    if (this.boundPort === 0) return this.listenFirst(server);
    // The port was let go while refusing: a socket of some other program may hold it for a moment.
    for (let attempt = 1; ; attempt++) {
      let bound: boolean;
      try {
        bound = await listenOn(server, this.boundPort);
      } catch (e) {
        throw new TargetError(`fault proxy: cannot listen on 127.0.0.1:${this.boundPort}: ${(e as Error).message}`);
      }
      if (bound) break;
      if (attempt >= LISTEN_ATTEMPTS)
        throw new TargetError(`fault proxy: cannot listen on 127.0.0.1:${this.boundPort}: it is in use`);
      await new Promise((resolve) => setTimeout(resolve, LISTEN_RETRY_MS));
    }
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** The first listen: on a port of this process's blocks (port-blocks.ts), else the kernel's choice. */
  private async listenFirst(server: Server): Promise<void> {
    let bound = false;
    for (let i = 0; i < OWN_PORT_TRIES && !bound; i++) {
      const port = await takePort();
      if (port === undefined) break;
      bound = await listenOn(server, port);
      if (bound) this.ownPort = port;
    }
    try {
      if (!bound) await listenOn(server, 0);
    } catch (e) {
      throw new TargetError(`fault proxy: cannot listen on 127.0.0.1: ${(e as Error).message}`);
    }
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every connection; resolves once the server has let go of them all. */
  private async unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return void this.reset();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.reset(); // after close(): one accepted a moment ago is cut too, or the close would wait for it
    await closed;
  }

  get targetPort(): number {
    return this.forwardPort;
  }

  /** New connections go to another port from now on (a pooled proxy, between runs: the next run's
   *  controller); connections already open keep theirs. */
  retarget(port: number): void {
    this.forwardPort = port;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Connections open through the proxy now. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Cuts every connection now; returns how many there were. */
  reset(): number {
    const pairs = [...this.pairs];
    for (const pair of pairs) pair.reset();
    return pairs.length;
  }

  /** Blackholes the link; false if it already was. */
  partition(): boolean {
    if (this.partitioned) return false;
    this.partitioned = true;
    return true;
  }

  /** Ends the blackhole and flushes every held byte, in order; false if there was none. */
  heal(): boolean {
    if (!this.partitioned) return false;
    this.partitioned = false;
    for (const pair of [...this.pairs]) pair.heal();
    return true;
  }

  /** Adds delayMs (real, at least 1) to every chunk from now on, both ways; false if the link
   *  already was slow (the window in force goes on). */
  slow(delayMs: number): boolean {
    if (this.slowMs > 0) return false;
    this.slowMs = Math.max(1, Math.round(delayMs));
    this.path ??= { upstream: 0, client: 0 };
    return true;
  }

  /** The delay of a chunk going `toward` now: not less than what its path still carries. */
  onPath(toward: Toward, delayMs: number): number {
    if (!this.path) return delayMs;
    const now = Date.now();
    this.path[toward] = Math.max(this.path[toward], now + delayMs);
    return this.path[toward] - now;
  }

  /** The next run's connections are apart again. */
  clearPath(): void {
    this.path = undefined;
  }

  /** Ends a slow link's window: chunks from now on take the usual latency, after those still on
   *  their way; false if the link was not slow. */
  unslow(): boolean {
    if (this.slowMs === 0) return false;
    this.slowMs = 0;
    return true;
  }

  /** Leaves every connection through it half-open for good; returns how many of them the client
   *  still held open (Pair.live): 0 is nothing to act on. */
  halfOpen(): number {
    const pairs = [...this.pairs];
    const live = this.liveConnections;
    for (const pair of pairs) {
      this.pairs.delete(pair);
      this.halfOpenPairs.add(pair);
      pair.halfOpen();
    }
    return live;
  }

  /** Connections through the proxy whose client still holds its end open (Pair.live). */
  get liveConnections(): number {
    let live = 0;
    for (const pair of this.pairs) if (pair.live) live++;
    return live;
  }

  /** Cuts the half-open connections (the run is over: the next one starts on a clean network). */
  cutHalfOpen(): void {
    for (const pair of [...this.halfOpenPairs]) pair.reset();
  }

  forget(pair: Pair): void {
    this.pairs.delete(pair);
    this.halfOpenPairs.delete(pair);
  }

  async close(): Promise<void> {
    this.partitioned = false;
    this.slowMs = 0;
    this.wantListening = false;
    await this.door.catch(() => {});
    this.cutHalfOpen(); // first: the listener's close waits for every socket it accepted
    await this.unlisten();
    if (this.ownPort !== undefined) givePortBack(this.ownPort);
    this.ownPort = undefined;
  }

  private accept(socket: Socket): void {
    this.accepted++;
    this.onAccepted?.();
    const pair = new Pair(this, socket);
    this.pairs.add(pair);
    if (!this.partitioned) pair.open();
  }
}
