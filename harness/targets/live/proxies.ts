/**
 * One fault proxy per client, in front of the controller, kept across runs (a run's faults are
 * healed and its connections cut when it ends) so a long exploration does not churn ports. A
 * client that dials the agent's TLS port gets a proxy of its own in front of that port: the proxy
 * moves bytes, so the TLS session is the client's and the controller's, end to end.
 */
import { FaultProxy } from '../../faults/proxy.ts';

export class ProxyPool {
  private readonly proxies = new Map<string, FaultProxy>();

  constructor(private readonly target: (tls: boolean) => { host: string; port: number }) {}

  async get(client: string, tls = false): Promise<FaultProxy> {
    const key = tls ? `${client} tls` : client;
    let proxy = this.proxies.get(key);
    if (!proxy) {
      const { host, port } = this.target(tls);
      proxy = await FaultProxy.start({ targetHost: host, targetPort: port });
      this.proxies.set(key, proxy);
    }
    return proxy;
  }

  /** Heal every partition and cut every connection: the next run starts on a clean network. */
  clear(): void {
    for (const proxy of this.proxies.values()) {
      proxy.heal();
      proxy.reset();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
    this.proxies.clear();
  }
}
