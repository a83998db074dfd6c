/**
 * The controller's cloud-local API address, as a client outside the cloud meets it. Juju's Login
 * answers `servers` with every API address the controller knows (state's APIHostPortsForClients:
 * "the collection of *all* known API addresses"), each controller machine's cloud-local ones among
 * them, which a client outside the cloud cannot reach: Juju's own client dials them all at once and
 * keeps the first that answers. Here that address is a TCP listener that takes every connection and
 * never says a word, as a dial into a private network that drops it: a client that redials there
 * waits until its own timeout, and never gets its WebSocket handshake. Its sockets are destroyed
 * when it closes.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ServerAddress } from '../controller/api-types.ts';

export class CloudLocalAddress {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listening on `host` at a port of the kernel's choosing. */
  static async listen(host: string): Promise<CloudLocalAddress> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new CloudLocalAddress(server);
  }

  get address(): ServerAddress {
    const { address, port } = this.server.address() as AddressInfo;
    return { host: address, port };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
