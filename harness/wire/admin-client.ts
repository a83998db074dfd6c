/**
 * The harness's side of the controller server's admin endpoint (admin.ts): typed calls over HTTP
 * on loopback, each bounded by a timeout so a paused or dead server cannot hang a run.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { PlanEvent } from '../plan.ts';
import type { TieOutcome } from '../history.ts';
import type { ActionResult, OpenedSession, QuiesceResult, ResetRequest } from './admin.ts';
import type { SessionHistory, SessionStatus, StatusCondition } from './session.ts';
import type { Credentials } from '../controller/api-types.ts';

export class AdminError extends Error {}

export class AdminClient {
  private readonly authorization: string;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: Credentials,
    private readonly timeoutMs = 10_000,
  ) {
    this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  /** The admin endpoint of the server on `port`; its action calls act on the default session. The
   *  endpoint takes the controller's own credentials. */
  static forPort(port: number, credentials: Credentials, timeoutMs?: number): AdminClient {
    return new AdminClient(`http://127.0.0.1:${port}/admin`, credentials, timeoutMs);
  }

  /** Opens a session of its own (a controller at a fresh model UUID) on the server. */
  openSession(request: ResetRequest): Promise<OpenedSession> {
    return this.call('POST', 'sessions', request);
  }

  /** The same calls, acting on the session at `modelUuid`. */
  session(modelUuid: string): AdminClient {
    return new AdminClient(`${this.baseUrl}/${modelUuid}`, this.credentials, this.timeoutMs);
  }

  /** Disposes this client's session (see session()): its connections drop, its timers stop. */
  dispose(): Promise<{ disposed: boolean }> {
    return this.call('DELETE', '');
  }

  reset(request: ResetRequest): Promise<{ modelUrl: string }> {
    return this.call('POST', 'reset', request);
  }
  /** `operatorApps`: the model starts with these applications of the operator's (controller/operator.ts). */
  bootstrap(operatorApps: readonly string[] = []): Promise<ActionResult> {
    return this.call('POST', 'bootstrap', operatorApps.length > 0 ? { operatorApps } : undefined);
  }
  publish(version: string): Promise<ActionResult> {
    return this.call('POST', 'publish', { version });
  }
  upgrade(request: { version?: string; uploadTools?: boolean }): Promise<ActionResult> {
    return this.call('POST', 'upgrade', request);
  }
  /** Arms plan event `index`, tied to `client`'s API activity (or the operator's removal in a
   *  program's run): the session fires it then and records it (or, at quiesce(), records it not
   *  applied with why it never fired). */
  arm(index: number, event: PlanEvent, client: string): Promise<ActionResult> {
    return this.call('POST', 'arm', { index, event, client });
  }
  /** The run's quiescence: the session's unfired activity triggers dropped, its partitions healed.
   *  Resolves with what became of every tie the session armed (fired when, or dropped). */
  async quiesce(): Promise<TieOutcome[]> {
    return tieOutcomes(await this.call<QuiesceResult>('POST', 'quiesce'));
  }
  restart(): Promise<ActionResult> {
    return this.call('POST', 'restart');
  }
  stopWatchers(client: string): Promise<ActionResult> {
    return this.call('POST', 'stop-watchers', { client });
  }
  status(): Promise<SessionStatus> {
    return this.call('GET', 'status');
  }
  /** The status once `condition` holds, or after `waitMs` if it does not by then (a long poll). */
  statusWhen(condition: StatusCondition, waitMs: number): Promise<SessionStatus> {
    const ms = Math.max(0, Math.round(waitMs));
    return this.call('GET', `status?until=${condition}&waitMs=${ms}`, undefined, this.timeoutMs + ms);
  }
  history(): Promise<SessionHistory> {
    return this.call('GET', 'history');
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    route: string,
    body?: unknown,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    let status: number;
    let text: string;
    try {
      ({ status, text } = await request(route ? `${this.baseUrl}/${route}` : this.baseUrl, {
        method,
        authorization: this.authorization,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        timeoutMs,
      }));
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError';
      throw new AdminError(
        `admin ${route || method}: ${timedOut ? `the controller stopped answering (no reply within ${timeoutMs} ms)` : describe(e)}`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new AdminError(`admin ${route}: HTTP ${status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (status < 200 || status >= 300)
      throw new AdminError(`admin ${route}: HTTP ${status}: ${(value as { error?: string }).error ?? text}`);
    return value as T;
  }
}

/** The ties of a quiesce answer, checked: the closing sequence times its wait by them, so an answer
 *  of another shape (another server's) is one clear error rather than a wait of NaN. */
function tieOutcomes(answer: QuiesceResult): TieOutcome[] {
  const { ties } = answer as { ties?: unknown };
  const ok = (o: unknown): o is TieOutcome => {
    const { index, t, applied } = (o ?? {}) as Record<string, unknown>;
    return Number.isInteger(index) && typeof t === 'number' && Number.isFinite(t) && typeof applied === 'boolean';
  };
  if (!Array.isArray(ties) || !ties.every(ok)) {
    const got = JSON.stringify(ties)?.slice(0, 200) ?? 'nothing';
    throw new AdminError(
      `admin quiesce: the answer's ties must be [{"index": N, "t": ms, "applied": true|false}], got ${got}`,
    );
  }
  return ties.map(({ index, t, applied }) => ({ index, t, applied }));
}

/** Admin calls keep their connections open between calls: dozens of runs in flight each make
 *  several a second, and fetch() (undici) opening a connection per call was a tenth of the
 *  harness's CPU. */
const KEEP_ALIVE = new Agent({ keepAlive: true });

/** One HTTP request on loopback: its status and body; rejects on a network error, and with a
 *  TimeoutError when no complete answer came within timeoutMs. */
async function request(
  url: string,
  options: { method: string; authorization: string; body?: string; timeoutMs: number },
): Promise<{ status: number; text: string }> {
  try {
    return await requestOnce(url, options);
  } catch (e) {
    // A kept-alive connection the server closed as idle just as this request went out on it (the
    // agent lets go of one a second before the server's Keep-Alive timeout; a harness stalled
    // longer than that reuses it): the server never saw the request, so it is sent once more, on a
    // new connection, as Node's documentation advises. A run failed on this with exit 3 at load 15.
    // The new connection is one of its own, outside the agent: after a stall every connection the
    // agent keeps may be as stale, and the retry took the next one (the likeliest cause of the
    // "admin bootstrap: socket hang up", exit 3, that ended python-libjuju-3.6 seed 3 at load 20).
    if (!(e as StaleSocketError).staleSocket) throw e;
    return requestOnce(url, options, false);
  }
}

type StaleSocketError = Error & { staleSocket?: boolean };

function requestOnce(
  url: string,
  options: { method: string; authorization: string; body?: string; timeoutMs: number },
  agent: Agent | false = KEEP_ALIVE,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: options.authorization };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(options.body);
    }
    let answered = false;
    const req = httpRequest(url, { method: options.method, headers, agent }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    function fail(e: Error): void {
      clearTimeout(timer);
      const code = (e as NodeJS.ErrnoException).code;
      if (req.reusedSocket && !answered && code === 'ECONNRESET') (e as StaleSocketError).staleSocket = true;
      reject(e);
    }
    const timer = setTimeout(() => {
      const e = new Error(`no reply within ${options.timeoutMs} ms`);
      e.name = 'TimeoutError';
      req.destroy(e);
    }, options.timeoutMs);
    req.on('error', fail);
    req.end(options.body);
  });
}

function describe(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
