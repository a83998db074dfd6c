/**
 * The client's end of an API connection, written once for the sim and for real sockets: request
 * ids, any number of concurrent requests, responses matched by id in whatever order they come,
 * and every pending request settled (outcome "closed") the moment the connection closes.
 * Calls and returns are recorded in the history (pings excepted: keepalive, not work).
 */
import type { Scheduler, TimerHandle } from '../clock.ts';
import { isLongPoll, type ApiRequest, type ApiResponse } from '../controller/api-types.ts';
import type { Outcome, Recorder } from '../history.ts';

/** A frame pipe to the controller: the sim's in-memory link or a WebSocket. */
export interface ClientTransport {
  send(frame: ApiRequest): void;
  /** Close our end; the peer learns of it later. */
  close(): void;
  onFrame(handler: (frame: ApiResponse) => void): void;
  /** Called once when the connection is gone (peer closed, reset, or our own close). */
  onClose(handler: () => void): void;
}

export type DialResult = { ok: true; transport: ClientTransport } | { ok: false; error: string };
export type Dialer = (done: (result: DialResult) => void) => void;

export type RpcResult =
  | { ok: true; response: Record<string, unknown> }
  | { ok: false; error: string; code: string; outcome: Exclude<Outcome, 'ok'> };

export interface CallOptions {
  /** The object id (watcher id) at the top level of the request. */
  id?: string;
  params?: Record<string, unknown>;
  timeoutMs?: number;
}

/** The params of a call that has none (most of a run's calls): one object, never written. */
const NO_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({});

interface PendingCall {
  call: number;
  record: boolean;
  done: (result: RpcResult) => void;
  timer?: TimerHandle;
}

/** Numbers a client's calls across all its connections, so (client, call) names one call. */
export class CallCounter {
  private last = 0;
  next(): number {
    return ++this.last;
  }
}

export class RpcConnection {
  /** Calls awaiting their answer, in the order made (a close settles them in that order). An array
   *  searched from the front: a few at a time (a long-polling Next and a call or two), mostly
   *  answered in order, where a Map's delete and re-insert per call reallocated its table. */
  private pending: PendingCall[] = [];
  private closed = false;
  private readonly closeHandlers: (() => void)[] = [];

  constructor(
    private readonly transport: ClientTransport,
    private readonly clock: Scheduler,
    private readonly history: Recorder,
    readonly client: string,
    readonly conn: number,
    private readonly calls: CallCounter,
  ) {
    history.record({ type: 'client-conn', client, conn, state: 'open', t: 0 });
    transport.onFrame((frame) => this.receive(frame));
    transport.onClose(() => this.shutdown());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  call(type: string, version: number, request: string, options: CallOptions, done: (result: RpcResult) => void): void {
    const requestId = this.calls.next();
    const record = !(type === 'Pinger' && request === 'Ping');
    if (record) {
      this.history.record({
        type: 'call',
        client: this.client,
        conn: this.conn,
        call: requestId,
        facade: type,
        method: request,
        longPoll: isLongPoll(type, request),
        t: 0,
      });
    }
    const entry: PendingCall = { call: requestId, record, done };
    if (this.closed) {
      this.settle(entry, { ok: false, error: 'connection is closed', code: '', outcome: 'closed' });
      return;
    }
    this.pending.push(entry);
    if (options.timeoutMs !== undefined) {
      entry.timer = this.clock.after(options.timeoutMs, () => {
        this.take(requestId);
        this.settle(entry, { ok: false, error: `${type}.${request} timed out`, code: '', outcome: 'timeout' });
      });
    }
    const frame: ApiRequest = { 'request-id': requestId, type, version, request, params: options.params ?? NO_PARAMS };
    if (options.id !== undefined) frame.id = options.id;
    this.transport.send(frame);
  }

  close(): void {
    if (this.closed) return;
    this.transport.close();
    this.shutdown();
  }

  private receive(frame: ApiResponse): void {
    const entry = this.take(frame['request-id']);
    if (!entry) return; // a late answer to a call that timed out
    if (frame.error !== undefined) {
      this.settle(entry, { ok: false, error: frame.error, code: frame['error-code'] ?? '', outcome: 'error' });
    } else {
      this.settle(entry, { ok: true, response: frame.response ?? {} });
    }
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.history.record({ type: 'client-conn', client: this.client, conn: this.conn, state: 'closed', t: 0 });
    const pending = this.pending;
    this.pending = [];
    for (const entry of pending)
      this.settle(entry, { ok: false, error: 'connection closed', code: '', outcome: 'closed' });
    for (const handler of this.closeHandlers.splice(0)) handler();
  }

  /** The pending call `requestId`, removed from the pending ones; undefined if it is not there. */
  private take(requestId: number): PendingCall | undefined {
    const pending = this.pending;
    for (let i = 0; i < pending.length; i++) {
      const entry = pending[i];
      if (entry?.call !== requestId) continue;
      for (let j = i + 1; j < pending.length; j++) pending[j - 1] = pending[j] as PendingCall;
      pending.pop();
      return entry;
    }
    return undefined;
  }

  private settle(entry: PendingCall, result: RpcResult): void {
    entry.timer?.cancel();
    if (entry.record) {
      // Whole literals, `t` last (see Recorder.record): fields added one by one cost more.
      const client = this.client;
      const conn = this.conn;
      const call = entry.call;
      this.history.record(
        result.ok
          ? { type: 'return', client, conn, call, outcome: 'ok', t: 0 }
          : { type: 'return', client, conn, call, outcome: result.outcome, error: result.error, t: 0 },
      );
    }
    entry.done(result);
  }
}

/** "upgrade in progress", in Juju 1.2x's words or 2.x's code. */
export function isUpgradeInProgress(result: RpcResult): boolean {
  return !result.ok && (result.code === 'upgrade in progress' || result.error.startsWith('upgrade in progress'));
}
