import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../harness/faults/proxy.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { profile, startServer } from '../wire/helpers.ts';

/** Debian's python with python3-websockets (.ci/run installs it): a real client's view of the wire. */
const PYTHON = '/usr/bin/python3';
const websockets = (await execa(PYTHON, ['-c', 'import websockets'], { reject: false })).exitCode === 0;
let controller: ControllerServer | undefined;

/** What python's websockets raises when it dials `url` (or "open" when the handshake succeeds). */
async function pythonDial(url: string): Promise<string> {
  const script = [
    'import asyncio, sys, websockets',
    'async def main():',
    '    try:',
    '        async with websockets.connect(sys.argv[1], open_timeout=10):',
    '            print("open")',
    '    except Exception as e:',
    '        print(type(e).__name__)',
    'asyncio.run(main())',
  ].join('\n');
  return (await execa(PYTHON, ['-c', script, url])).stdout.trim();
}

let upstream: Server | undefined;
const upstreamSockets = new Set<Socket>();
let proxy: FaultProxy | undefined;
const sockets: Socket[] = [];

/** An upstream that echoes every byte back, upper-cased (so an echo is told apart from what was sent). */
async function echoServer(): Promise<number> {
  upstream = createServer((s) => {
    upstreamSockets.add(s);
    s.on('close', () => upstreamSockets.delete(s));
    s.on('error', () => {});
    s.on('data', (d) => s.write(d.toString().toUpperCase()));
  });
  await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
  return (upstream.address() as AddressInfo).port;
}

function dial(port: number): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let data = '';
    let closed = false;
    const socket = connect({ host: '127.0.0.1', port }, () =>
      resolve({ socket, received: () => data, closed: () => closed }),
    );
    sockets.push(socket);
    socket.on('data', (d) => {
      data += d.toString();
    });
    socket.on('close', () => {
      closed = true;
    });
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

async function eventually(check: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A proxy in front of the echo server, and one connection through it that `text` came back on. */
async function echoedConnection(text: string): Promise<{ started: FaultProxy; c: Awaited<ReturnType<typeof dial>> }> {
  const started = await FaultProxy.start({ targetPort: await echoServer() });
  proxy = started;
  const c = await dial(started.port);
  c.socket.write(text);
  await eventually(() => c.received() === text.toUpperCase(), `echo of ${text}`);
  return { started, c };
}

afterEach(async () => {
  await controller?.close();
  controller = undefined;
  for (const s of sockets.splice(0)) s.destroy();
  await proxy?.close();
  proxy = undefined;
  for (const s of upstreamSockets) s.destroy();
  await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
  upstream = undefined;
});

describe('faults/proxy', () => {
  it('forwards bytes both ways', async () => {
    const { started } = await echoedConnection('hello');
    expect(started.connections).toBe(1);
  });

  it('reset() cuts every connection on both sides at once', async () => {
    proxy = await FaultProxy.start({ targetPort: await echoServer() });
    const a = await dial(proxy.port);
    const b = await dial(proxy.port);
    a.socket.write('x');
    b.socket.write('y');
    await eventually(() => a.received() === 'X' && b.received() === 'Y', 'echoes');
    expect(proxy.reset()).toBe(2);
    await eventually(() => a.closed() && b.closed(), 'client sides closed');
    await eventually(() => upstreamSockets.size === 0, 'upstream sides closed');
    expect(proxy.connections).toBe(0);
    const c = await dial(proxy.port); // the proxy itself still serves
    c.socket.write('z');
    await eventually(() => c.received() === 'Z', 'echo after reset');
  });

  it('partition() holds bytes in both directions and heal() delivers them, in order', async () => {
    const { started, c } = await echoedConnection('a');
    expect(started.partition()).toBe(true);
    expect(started.partition()).toBe(false);
    c.socket.write('b');
    c.socket.write('c');
    await pause(100);
    expect(c.received()).toBe('A'); // nothing got through
    expect(c.closed()).toBe(false);
    expect(started.heal()).toBe(true);
    expect(started.heal()).toBe(false);
    await eventually(() => c.received() === 'ABC', 'held bytes flushed in order');

    // The other direction: bytes the upstream sends during a partition are held too.
    started.partition();
    for (const s of upstreamSockets) s.write('q');
    await pause(50);
    expect(c.received()).toBe('ABC');
    started.heal();
    await eventually(() => c.received() === 'ABCq', 'upstream bytes flushed');
  });

  it('accepts new connections during a partition but holds them until heal', async () => {
    proxy = await FaultProxy.start({ targetPort: await echoServer() });
    proxy.partition();
    const c = await dial(proxy.port); // the TCP handshake with the proxy succeeds
    c.socket.write('held');
    await pause(100);
    expect(upstreamSockets.size).toBe(0); // nothing reached the controller
    expect(c.received()).toBe('');
    proxy.heal();
    await eventually(() => c.received() === 'HELD', 'held connection served at heal');
  });

  it('holds a close during a partition and passes it on at heal', async () => {
    const { started, c } = await echoedConnection('a');
    started.partition();
    c.socket.end();
    await pause(100);
    expect(upstreamSockets.size).toBe(1); // the controller has not heard of the close
    started.heal();
    await eventually(() => upstreamSockets.size === 0, 'close passed on');
  });

  it('halfOpen() counts only connections the client still holds open: one it closed is nothing to act on', async () => {
    proxy = await FaultProxy.start({ targetPort: await echoServer() });
    const closing = await dial(proxy.port);
    const open = await dial(proxy.port);
    closing.socket.write('a');
    open.socket.write('b');
    await eventually(() => closing.received() === 'A' && open.received() === 'B', 'echoes');
    // A partition holds the close on its way to the controller: the connection stays in the proxy.
    proxy.partition();
    closing.socket.end();
    await eventually(() => proxy!.liveConnections === 1, 'the proxy heard the client close');
    expect(proxy.connections).toBe(2);
    expect(proxy.halfOpen()).toBe(1); // the open one only
    expect(proxy.halfOpen()).toBe(0); // both are gone from it now
  });

  it('halfOpen() of a client whose only connection it closed acts on nothing', async () => {
    const { started, c } = await echoedConnection('a');
    started.partition();
    c.socket.end();
    await eventually(() => started.liveConnections === 0, 'the proxy heard the client close');
    expect(started.connections).toBe(1);
    expect(started.halfOpen()).toBe(0);
  });

  it('adds latency, keeping order', async () => {
    proxy = await FaultProxy.start({ targetPort: await echoServer(), latencyMs: 60 });
    const c = await dial(proxy.port);
    const start = Date.now();
    c.socket.write('1');
    c.socket.write('2');
    await eventually(() => c.received() === '12', 'delayed echo');
    expect(Date.now() - start).toBeGreaterThanOrEqual(110); // both ways
  });

  it('resets the client when the controller is not listening, and tells of the refused dial', async () => {
    const port = await echoServer();
    await new Promise<void>((r) => upstream!.close(() => r()));
    upstream = undefined;
    proxy = await FaultProxy.start({ targetPort: port });
    let refused = 0;
    proxy.onUpstreamRefused = () => refused++;
    const c = await dial(proxy.port);
    await eventually(() => c.closed(), 'client closed');
    // The controller never saw the dial: the proxy says so (the live target records conn-refused).
    await eventually(() => refused === 1, 'told of the refused dial');
  });

  it('refuses dials at the TCP level while refusing, and listens again on the same port', async () => {
    proxy = await FaultProxy.start({ targetPort: await echoServer() });
    const port = proxy.port;
    const open = await dial(port);
    await proxy.refuse();
    expect(proxy.refusing).toBe(true);
    await eventually(() => open.closed(), 'the open connection cut');
    await expect(dial(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.admit();
    expect(proxy.port).toBe(port);
    const again = await dial(port);
    again.socket.write('up');
    await eventually(() => again.received() === 'UP', 'echo after admit');
  });

  it.skipIf(!websockets)(
    `a controller not up yet: python's websockets sees ConnectionRefusedError, not a reset or an empty answer${websockets ? '' : ` (skipped: ${PYTHON} cannot import websockets)`}`,
    async () => {
      controller = await startServer(profile('juju-3.6'), 1); // no implicit upgrade: up once bootstrapped
      proxy = await FaultProxy.start({ targetPort: controller.port });
      const url = `ws://127.0.0.1:${proxy.port}${new URL(controller.modelUrl).pathname}`;
      await proxy.refuse(); // as a live run does until its bootstrap
      expect(await pythonDial(url)).toBe('ConnectionRefusedError');
      controller.current.controller.bootstrap();
      await controller.settled();
      await proxy.admit();
      expect(await pythonDial(url)).toBe('open');
    },
  );
});
