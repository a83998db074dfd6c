/**
 * One fault proxy per client, in front of the controller, kept across runs (a run's faults are
 * healed and its connections cut when it ends) so a long exploration does not churn ports.
 */
import { FaultProxy } from '../../faults/proxy.ts';

export class ProxyPool {
  private readonly proxies = new Map<string, FaultProxy>();

  constructor(private readonly target: () => { host: string; port: number }) {}

  async get(client: string): Promise<FaultProxy> {
    let proxy = this.proxies.get(client);
    if (!proxy) {
      const { host, port } = this.target();
      proxy = await FaultProxy.start({ targetHost: host, targetPort: port });
      this.proxies.set(client, proxy);
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
