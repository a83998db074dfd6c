/**
 * A Dialer over real WebSockets, so the built-in client profiles (ScriptedClient over
 * RpcConnection) run unchanged against a controller server. Frames are JSON text; a dial that
 * gets no handshake within connectTimeoutMs (a partition holds it) fails, as the sim's does.
 */
import { WebSocket, type RawData } from 'ws';
import type { Scheduler } from '../clock.ts';
import type { ClientTransport, Dialer } from '../clients/connection.ts';
import type { ApiResponse } from '../controller/api-types.ts';
import { decodeResponse, encodeRequest } from './codec.ts';

export interface WsDialerOptions {
  /** The clock the client runs on: the timeout is in its (possibly scaled) milliseconds. */
  clock: Scheduler;
  connectTimeoutMs: number;
  /** wss only: the CA certificate (PEM) the controller's certificate must chain to. */
  ca?: string;
  /** wss only, without `ca`: accept the controller's self-signed certificate (a lab controller's,
   *  reached through the fault proxy under another name). */
  insecureTls?: boolean;
}

export function wsDialer(url: string, options: WsDialerOptions): Dialer {
  return (done) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      ...(options.ca !== undefined ? { ca: options.ca } : options.insecureTls ? { rejectUnauthorized: false } : {}),
    });
    let settled = false;
    const settle = (ok: boolean, error = ''): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      if (ok) done({ ok: true, transport: transport(ws) });
      else done({ ok: false, error });
    };
    const timer = options.clock.after(options.connectTimeoutMs, () => {
      settle(false, 'dial timeout');
      ws.terminate();
    });
    ws.once('open', () => settle(true));
    ws.once('unexpected-response', (_req, res) => {
      settle(false, `connection refused (HTTP ${res.statusCode})`);
      ws.terminate();
    });
    ws.on('error', (e: Error) => settle(false, e.message));
    ws.once('close', () => settle(false, 'connection closed during the handshake'));
  };
}

function transport(ws: WebSocket): ClientTransport {
  return {
    send: (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeRequest(frame));
    },
    close: () => ws.close(),
    onFrame: (handler: (frame: ApiResponse) => void) => {
      ws.on('message', (data: RawData) => {
        const frame = decodeResponse(data.toString());
        if (frame) handler(frame);
      });
    },
    onClose: (handler) => {
      if (ws.readyState === WebSocket.CLOSED) handler();
      else ws.once('close', handler);
    },
  };
}
