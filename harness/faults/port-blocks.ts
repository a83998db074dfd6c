/**
 * Ports for fault proxies, out of every other process's way. A proxy lets its port go while it
 * refuses dials (before bootstrap) and listens on it again later, so nobody else may take it
 * meanwhile:
 * - not the kernel: the ports come from below its ephemeral range, which it never hands out by
 *   itself (a port from that range was soon taken by an outgoing connection or a listen(0): with
 *   32 runs in flight a run failed with EADDRINUSE);
 * - not another harness process: each takes ports only from blocks of its own. A block is claimed
 *   by listening on its first port, which the kernel holds for this process as long as it lives
 *   and frees when it dies, however it dies (random picks from the whole range let one process
 *   listen on a port another had let go a moment before: exit 3, EADDRINUSE, with test suites
 *   running alongside).
 */
import { createServer, type Server } from 'node:net';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Ports per block, its lock included. */
const BLOCK = 64;
/** Blocks tried before giving up (then the kernel's choice). */
const CLAIM_TRIES = 50;

/** Below the kernel's ephemeral range, or undefined (not Linux, or no room below it). */
function unassignedPorts(): { min: number; max: number } | undefined {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && low > 12_000 ? { min: 10_000, max: low - 1 } : undefined;
  } catch {
    return undefined; // not Linux: the kernel's choice
  }
}
const UNASSIGNED_PORTS = unassignedPorts();

const free: number[] = [];
const locks: Server[] = [];

/** Listens on 127.0.0.1:port; false when another socket holds it. */
export function listenOn(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException): void => {
      server.off('listening', listening);
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolve(false);
      else reject(e);
    };
    const listening = (): void => {
      server.off('error', failed);
      resolve(true);
    };
    server.once('error', failed).once('listening', listening);
    server.listen(port, '127.0.0.1');
  });
}

/** Claims a block no other process holds; false when none was found. */
async function claimBlock(): Promise<boolean> {
  const range = UNASSIGNED_PORTS;
  if (!range) return false;
  const blocks = Math.floor((range.max - range.min + 1) / BLOCK);
  const first = randomInt(blocks);
  for (let i = 0; i < Math.min(blocks, CLAIM_TRIES); i++) {
    const base = range.min + ((first + i) % blocks) * BLOCK;
    const lock = createServer((socket) => socket.destroy());
    if (!(await listenOn(lock, base))) continue;
    lock.unref(); // the claim must not keep the process alive
    locks.push(lock);
    for (let port = base + 1; port < base + BLOCK; port++) free.push(port);
    return true;
  }
  return false;
}

/** A port of this process's blocks for a proxy to keep until it gives it back; undefined when
 *  none can be had (then the proxy takes the kernel's choice). */
export async function takePort(): Promise<number | undefined> {
  if (free.length === 0 && !(await claimBlock())) return undefined;
  return free.shift();
}

/** A proxy that closed for good gives its port back for the next one. */
export function givePortBack(port: number): void {
  if (port !== 0 && !free.includes(port)) free.push(port);
}
