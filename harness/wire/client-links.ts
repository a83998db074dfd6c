/**
 * The controller server's own hand on a client's connections, for faults tied to the client's API
 * activity (controller/activity-triggers.ts): the model decides the moment, inside its handling of
 * a call, and only the server can act at that very moment (the harness's fault proxy is a round
 * trip away). A reset is a TCP reset of the client's sockets, as the fault proxy's; a half-open
 * link is one the model saw reset while the server keeps the client's socket open and silent, as
 * the proxy's halfOpen leaves it; a partition
 * holds every frame in both directions and every new connection of the client until it heals,
 * as the proxy's blackhole does; a slow link delays every frame both ways, and each new
 * connection's handshake, by the same real delay as the proxy's slow(), order kept.
 */
import type { Duplex } from 'node:stream';
import { OrderedDelay } from '../ordered-delay.ts';

/** One WebSocket of a client, as the server holds it. */
export interface Link {
  /** The model's connection is up and the socket open: a fault has something to act on. A link
   *  reset, half-open or closed by the model stays registered until its socket's close comes. */
  readonly live: boolean;
  /** A TCP reset now (the model records the connection lost to a fault). */
  reset(): void;
  /** Half-open for good: the model's end is reset (a fault), the client's socket stays open and
   *  hears nothing more; nothing it sends is read. */
  halfOpen(): void;
  /** Destroys the socket (a half-open link, once its session ends). */
  cut(): void;
  /** Stop reading and hold what the controller sends, until release(). */
  hold(): void;
  release(): void;
}

/**
 * A client's path, shared by all its sockets: a slow link (a fault tied to its activity) delays
 * what is read and what is sent by `slowMs` (real) more, in one queue each way, so a new
 * connection's frames wait behind what an old one still has on its way, as the sim's network and
 * the fault proxy order a slowed client's path (sim/network.ts SimNetwork.paths). With no delay and
 * nothing queued, an action runs at once.
 */
export interface ClientPath {
  readonly slowMs: number;
  readonly inbound: OrderedDelay;
  readonly outbound: OrderedDelay;
}

export class ClientLinks {
  private readonly links = new Map<string, Set<Link>>();
  private readonly partitioned = new Set<string>();
  /** Client -> its path (the delay a slow link adds now, and the queues). */
  private readonly paths = new Map<string, { slowMs: number; inbound: OrderedDelay; outbound: OrderedDelay }>();
  /** Half-open links: their sockets stay open until the session ends (dispose). */
  private readonly halfOpenLinks = new Set<Link>();
  /** Connections a partitioned client opened: they go on when it heals. */
  private readonly heldDials = new Map<string, (() => void)[]>();

  /** Registers a link; returns its removal. A link of a partitioned client starts held. */
  add(client: string, link: Link): () => void {
    let set = this.links.get(client);
    if (!set) this.links.set(client, (set = new Set()));
    set.add(link);
    if (this.partitioned.has(client)) link.hold();
    return () => set.delete(link);
  }

  /** Resets the client's live connections; whether it had one (else: nothing to act on). */
  reset(client: string): boolean {
    const set = this.live(client);
    for (const link of set) link.reset();
    return set.length > 0;
  }

  /** The client's live connections go half-open (plan.ts `half-open`); its new ones are not
   *  touched. Whether it had one (else: nothing to act on). */
  halfOpen(client: string): boolean {
    const set = this.live(client);
    for (const link of set) {
      this.halfOpenLinks.add(link);
      link.halfOpen();
    }
    return set.length > 0;
  }

  private live(client: string): Link[] {
    return [...(this.links.get(client) ?? [])].filter((link) => link.live);
  }

  /** The session is over: the half-open sockets it kept open go. */
  dispose(): void {
    for (const link of this.halfOpenLinks) link.cut();
    this.halfOpenLinks.clear();
    for (const path of this.paths.values()) {
      path.inbound.clear();
      path.outbound.clear();
    }
  }

  partition(client: string): boolean {
    if (this.partitioned.has(client)) return false;
    this.partitioned.add(client);
    for (const link of this.links.get(client) ?? []) link.hold();
    return true;
  }

  /** The client's links, and those it opens, slowed by delayMs (real) until unslow; false if they
   *  already were (the window in force goes on). */
  slow(client: string, delayMs: number): boolean {
    const path = this.ownPath(client);
    if (path.slowMs > 0) return false;
    path.slowMs = Math.max(1, Math.round(delayMs));
    return true;
  }

  unslow(client: string): boolean {
    const path = this.paths.get(client);
    if (!path || path.slowMs === 0) return false;
    path.slowMs = 0;
    return true;
  }

  /** The clients slowed now. */
  slowedClients(): string[] {
    return [...this.paths].filter(([, path]) => path.slowMs > 0).map(([client]) => client);
  }

  /** The client's path, shared by its sockets (ClientPath). */
  path(client: string): ClientPath {
    return this.ownPath(client);
  }

  /** The client's path as this class changes it (made on first use). */
  private ownPath(client: string): { slowMs: number; inbound: OrderedDelay; outbound: OrderedDelay } {
    let path = this.paths.get(client);
    if (!path)
      this.paths.set(client, (path = { slowMs: 0, inbound: new OrderedDelay(), outbound: new OrderedDelay() }));
    return path;
  }

  /** The clients partitioned now. */
  partitionedClients(): string[] {
    return [...this.partitioned];
  }

  heal(client: string): boolean {
    if (!this.partitioned.delete(client)) return false;
    for (const link of this.links.get(client) ?? []) link.release();
    const dials = this.heldDials.get(client) ?? [];
    this.heldDials.delete(client);
    for (const proceed of dials) proceed();
    return true;
  }

  /** Holds a new connection of a partitioned client until it heals (its dial times out meanwhile,
   *  as over a blackholed network); true when held. */
  holdDial(client: string, socket: Duplex, proceed: () => void): boolean {
    if (!this.partitioned.has(client)) return false;
    const dials = this.heldDials.get(client) ?? [];
    this.heldDials.set(client, dials);
    dials.push(() => {
      if (!socket.destroyed) proceed();
    });
    return true;
  }
}
