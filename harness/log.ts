/**
 * Structured logs with pino, on stderr so stdout stays free for results (--json). JSON lines by
 * default when stderr is not a terminal; short human lines when it is.
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LABELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Formats pino's JSON lines for a person at a terminal. */
function humanStream(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        const {
          level,
          msg,
          time: _time,
          pid: _pid,
          hostname: _host,
          ...rest
        } = JSON.parse(line) as Record<string, unknown>;
        const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
        process.stderr.write(`[${LABELS[level as number] ?? level}] ${String(msg ?? '')}${extra}\n`);
      }
      done();
    },
  });
}

export function createLogger(level: LogLevel = 'info', json = !process.stderr.isTTY): Logger {
  return pino({ level, base: { pid: process.pid } }, json ? pino.destination({ fd: 2, sync: true }) : humanStream());
}
