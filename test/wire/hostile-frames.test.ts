/**
 * The controller server under hostile clients. A fast-check property opens connections and sends
 * random and mutated frames (invalid JSON, wrong types, unknown facades and versions, missing and
 * duplicate request ids, binary frames, frames over the size limit, bursts of thousands of
 * requests) and checks that every frame gets one Juju-style reply (request-id, response, and an
 * error with its code when refused), or that the connection is closed cleanly (1009 for a frame
 * over the limit); meanwhile a well-behaved client keeps being served. Then connections that never
 * log in, too many connections from one address, and a reader that stops reading; the server's
 * memory and connection count come back down after them all.
 */
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACADES } from '../../harness/controller/api-types.ts';
import { ControllerServer } from '../../harness/wire/server.ts';
import { CREDENTIALS, profile } from './helpers.ts';

const FRAME_LIMIT = 64 * 1024;
let server: ControllerServer;
let framesSent = 0;

beforeAll(async () => {
  server = await ControllerServer.start({
    profile: profile('juju-1.24', { implicitUpgrade: false }),
    credentials: CREDENTIALS,
    limits: {
      maxFrameBytes: FRAME_LIMIT,
      loginTimeoutMs: 2_000,
      maxConnectionsPerAddress: 64,
      maxBufferedBytes: 1 << 20,
    },
  });
  server.current.controller.bootstrap();
});
afterAll(() => server.close());

type Reply = { 'request-id'?: unknown; response?: unknown; error?: unknown; 'error-code'?: unknown };

/** A connection that collects every reply and how it closed. */
class Conn {
  readonly replies: Reply[] = [];
  closeCode: number | undefined;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.replies.push(JSON.parse(data.toString()) as Reply);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => {});
  }
  static open(path = `/model/${server.current.options.modelUuid}/api`): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { maxPayload: 64 << 20 });
      ws.once('open', () => resolve(new Conn(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }
  send(frame: string | Buffer): void {
    framesSent++;
    this.ws.send(frame);
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  /** Until `n` replies arrived or the connection closed. */
  async until(n: number): Promise<void> {
    while (this.replies.length < n && this.closeCode === undefined)
      await new Promise<void>((r) => this.waiters.push(r));
  }
  close(): void {
    this.ws.terminate();
  }
}

const login = (id: number, password = CREDENTIALS.password) =>
  JSON.stringify({
    'request-id': id,
    type: 'Admin',
    version: 3,
    request: 'Login',
    params: { 'auth-tag': `user-${CREDENTIALS.username}`, credentials: password },
  });

/** Requests a client may send, well-formed. Never WatchAll (a Next on its watcher would long-poll)
 *  nor UpgradeModel (the agent would restart and drop the good client): other tests cover those. */
const validRequest = fc.record({
  'request-id': fc.nat(),
  type: fc.constantFrom('Admin', 'Pinger', 'Client', 'AllWatcher', 'Application', 'Upgrader'),
  version: fc.constantFrom(1, 2, 3, 8, 19),
  request: fc.constantFrom('Login', 'Ping', 'FullStatus', 'Next', 'Stop', 'Deploy', 'Upgrade'),
  params: fc.option(
    fc.record({ applications: fc.array(fc.record({ application: fc.string(), 'num-units': fc.integer() })) }),
    { nil: undefined },
  ),
});

const anyJson = fc.jsonValue({ maxDepth: 4 });
/** One key of a request, changed: removed, retyped, renamed, or given an odd value. */
const mutated = fc
  .tuple(validRequest, fc.constantFrom('request-id', 'type', 'version', 'request', 'params', 'id'), anyJson, fc.nat(4))
  .map(([request, key, value, how]) => {
    const r: Record<string, unknown> = { ...request };
    if (how === 0) delete r[key];
    else if (how === 1) r[key] = value;
    else if (how === 2) r[key.toUpperCase()] = value;
    else if (how === 3)
      r[key] = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '\u0000'][value === null ? 0 : 1];
    else r[key] = -1;
    return JSON.stringify(r);
  });

type Sent = { frame: string | Buffer; reply: 'one' | 'close' };
const frame: fc.Arbitrary<Sent> = fc.oneof(
  { weight: 4, arbitrary: validRequest.map((r) => ({ frame: JSON.stringify(r), reply: 'one' as const })) },
  { weight: 6, arbitrary: mutated.map((f) => ({ frame: f, reply: 'one' as const })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ frame: s, reply: 'one' as const })) },
  { weight: 1, arbitrary: mutated.map((f) => ({ frame: f.slice(0, f.length >> 1), reply: 'one' as const })) },
  { weight: 2, arbitrary: anyJson.map((v) => ({ frame: JSON.stringify(v), reply: 'one' as const })) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 100 }).map((b) => ({ frame: Buffer.from(b), reply: 'one' as const })),
  },
  { weight: 1, arbitrary: validRequest.map((r) => ({ frame: Buffer.from(JSON.stringify(r)), reply: 'one' as const })) },
);
const oversized: fc.Arbitrary<Sent> = fc
  .integer({ min: FRAME_LIMIT + 1, max: FRAME_LIMIT * 2 })
  .map((n) => ({ frame: `{"request-id": 1, "type": "${'x'.repeat(n)}"}`, reply: 'close' as const }));

/** A reply as Juju writes it: the request-id, a response object, and on failure an error (with a
 *  code, except Juju 1.2x's "upgrade in progress", which had none). */
function isJujuReply(r: Reply): boolean {
  const id = r['request-id'];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return false;
  if (typeof r.response !== 'object' || r.response === null || Array.isArray(r.response)) return false;
  if (r.error === undefined) return r['error-code'] === undefined;
  const code = r['error-code'];
  return typeof r.error === 'string' && r.error.length > 0 && (typeof code === 'string' || code === undefined);
}

describe('the controller server under hostile frames', () => {
  it('answers every random or mutated frame Juju-style or closes cleanly, and keeps serving a good client', async () => {
    const good = await Conn.open();
    good.send(login(1));
    await good.until(1);
    expect(good.replies[0]!.error).toBeUndefined();
    let goodCalls = 1;
    const before = framesSent;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(frame, { minLength: 50, maxLength: 80 }),
        fc.option(oversized, { freq: 10, nil: undefined }),
        async (loggedIn, frames, tooBig) => {
          const conn = await Conn.open();
          const sent: Sent[] = loggedIn ? [{ frame: login(0), reply: 'one' }, ...frames] : [...frames];
          if (tooBig) sent.push(tooBig);
          for (const s of sent) conn.send(s.frame);
          await conn.until(sent.filter((s) => s.reply === 'one').length);
          if (tooBig) await conn.until(Infinity);
          conn.close();
          for (const r of conn.replies) expect(isJujuReply(r), JSON.stringify(r)).toBe(true);
          expect(conn.replies).toHaveLength(sent.filter((s) => s.reply === 'one').length);
          if (tooBig) expect(conn.closeCode).toBe(1009);
          // unknown facades are unknown, whatever their name
          const known = new RegExp(`of interface "(${Object.keys(FACADES).join('|')})"$`);
          for (const r of conn.replies)
            if (typeof r.error === 'string' && r.error.startsWith('unknown version')) expect(r.error).toMatch(known);
          // the good client is still served
          good.send(JSON.stringify({ 'request-id': ++goodCalls, type: 'Pinger', version: 1, request: 'Ping' }));
          await good.until(goodCalls);
          expect(good.replies.at(-1)).toEqual({ 'request-id': goodCalls, response: {} });
        },
      ),
      { numRuns: 200, seed: 1 },
    );
    expect(framesSent - before).toBeGreaterThanOrEqual(10_000);
    good.close();
  });

  it('answers thousands of concurrent requests on one connection and across many', async () => {
    const conns = await Promise.all(Array.from({ length: 20 }, () => Conn.open()));
    for (const c of conns) {
      c.send(login(0));
      for (let i = 1; i <= 500; i++)
        c.send(JSON.stringify({ 'request-id': i, type: 'Client', version: 8, request: 'FullStatus' }));
    }
    await Promise.all(conns.map((c) => c.until(501)));
    for (const c of conns) {
      expect(c.closeCode).toBeUndefined();
      expect(c.replies.map((r) => r['request-id'])).toEqual(Array.from({ length: 501 }, (_, i) => i));
      expect(c.replies.every((r) => r.error === undefined)).toBe(true);
      c.close();
    }
  });

  it('closes a connection that never logs in, and refuses connections over the per-address cap', async () => {
    const idle = await Conn.open();
    await idle.until(1);
    expect(idle.closeCode).toBe(1008);
    const conns: Conn[] = [];
    for (let i = 0; i < 64; i++) conns.push(await Conn.open());
    await expect(Conn.open()).rejects.toThrow(/HTTP 429/);
    for (const c of conns) c.close();
    await waitFor(() => server.connectionCount === 0);
    const again = await Conn.open();
    again.close();
  });

  it('drops a reader that stops reading before its replies pile up without bound', async () => {
    const slow = await Conn.open();
    slow.send(login(0));
    await slow.until(1);
    // Stop reading: replies queue in the kernel, then in the server's send buffer.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = JSON.stringify({ 'request-id': 1, type: 'Client', version: 8, request: 'FullStatus' });
    for (let i = 0; i < 40_000; i++) slow.ws.send(big);
    await waitFor(() => server.connectionCount === 0, 20_000);
    slow.close();
  });

  it('keeps its memory bounded and holds no connection after them all', async () => {
    await waitFor(() => server.connectionCount === 0);
    const heap = process.memoryUsage().heapUsed;
    const conn = await Conn.open();
    conn.send(login(0));
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1000; i++) conn.send(`{"request-id": ${i}, "type": "Nope", "version": 1, "request": "X"}`);
      await conn.until((round + 1) * 1000 + 1);
    }
    conn.close();
    await waitFor(() => server.connectionCount === 0);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 << 20);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
