/**
 * One fault proxy per client, in front of the controller, kept across runs (a run's faults are
 * healed and its connections cut when it ends) so a long exploration does not churn ports. A
 * client that dials an agent's TLS port gets a proxy of its own in front of that port, pointed at
 * each run's agent as the run begins; the proxy moves bytes, so the TLS session is the client's
 * and the controller's, end to end.
 */
import { FaultProxy } from '../../faults/proxy.ts';

export class ProxyPool {
  private readonly proxies = new Map<string, FaultProxy>();

  constructor(private readonly target: () => { host: string; port: number }) {}

  /** `agent`: the agent TLS port the proxy forwards to instead of the controller's plain port. */
  async get(client: string, agent?: { host: string; port: number }): Promise<FaultProxy> {
    const key = agent ? `${client} tls` : client;
    let proxy = this.proxies.get(key);
    const { host, port } = agent ?? this.target();
    if (!proxy) {
      proxy = await FaultProxy.start({ targetHost: host, targetPort: port });
      this.proxies.set(key, proxy);
    } else if (proxy.targetPort !== port) {
      proxy.retarget(port);
    }
    return proxy;
  }

  /** Heal every partition and slow link and cut every connection (half-open ones too): the next run starts on a clean network. */
  clear(): void {
    for (const proxy of this.proxies.values()) {
      proxy.onUpstreamRefused = undefined; // the run's history: the next run sets its own
      proxy.onAccepted = undefined; // the run's program: likewise
      proxy.heal();
      proxy.unslow();
      proxy.clearPath();
      proxy.reset();
      proxy.cutHalfOpen();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
    this.proxies.clear();
  }
}
