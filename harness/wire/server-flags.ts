/**
 * The flags the controller server takes, whether it runs as `upgrade-chaos controller` (a person)
 * or as the process target's child (server-main.ts).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { controllerProfile, CONTROLLER_PROFILES } from '../controller/profile.ts';
import type { ServerOptions } from './server.ts';
import { UsageError } from '../errors.ts';

/** The line server-main.ts prints on stdout once it listens, followed by JSON {port, modelUrl, pid}. */
export const READY_PREFIX = 'UPGRADE_CHAOS_READY ';

/** What the ready line adds with --tls: how to reach the agent's TLS port, and the CA to trust. */
export interface TlsReady {
  tlsPort: number;
  tlsModelUrl: string;
  caCert: string;
  caCertFile: string;
}

/** The environment variable that passes the password to a server process (not --password: any
 *  user of the machine can read a command line). */
export const PASSWORD_ENV = 'UPGRADE_CHAOS_SERVER_PASSWORD';

/** Set to 1 in the controller's container (targets/container/): the server ignores its stdin. */
export const IN_CONTAINER_ENV = 'UPGRADE_CHAOS_IN_CONTAINER';

export interface ServerFlags {
  options: ServerOptions;
  bootstrap: boolean;
}

const SPEC = {
  port: { type: 'string' },
  controller: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'time-scale': { type: 'string' },
  seed: { type: 'string' },
  'no-bootstrap': { type: 'boolean' },
  tls: { type: 'boolean' },
  'tls-port': { type: 'string' },
  'tls-dir': { type: 'string' },
  'state-dir': { type: 'string' },
} as const;

export function parseServerFlags(argv: string[], defaults: { port: number; controller: string }): ServerFlags {
  let values: { [K in keyof typeof SPEC]?: (typeof SPEC)[K]['type'] extends 'boolean' ? boolean : string };
  try {
    values = parseArgs({ args: argv, options: SPEC, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n', 1).join(''));
  }
  const port = numberFlag(values.port, 'port', defaults.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0..65535, got ${values.port}`);
  const name = values.controller ?? defaults.controller;
  const profile = controllerProfile(name);
  if (!profile)
    throw new UsageError(
      `unknown controller profile "${name}" (known: ${CONTROLLER_PROFILES.map((p) => p.name).join(', ')})`,
    );
  const timeScale = numberFlag(values['time-scale'], 'time-scale', 1);
  if (!(timeScale > 0 && timeScale <= 100))
    throw new UsageError(`--time-scale must be in (0, 100], got ${values['time-scale']}`);
  const seed = numberFlag(values.seed, 'seed', 0);
  const username = values.username ?? 'admin';
  if (!/^[a-z][a-z0-9.-]*$/.test(username))
    throw new UsageError(`--username must be a Juju user name (e.g. admin), got "${username}"`);
  const password = values.password ?? (process.env[PASSWORD_ENV] || randomBytes(12).toString('hex'));
  const tlsPort = numberFlag(values['tls-port'], 'tls-port', 0);
  if (!Number.isInteger(tlsPort) || tlsPort < 0 || tlsPort > 65535)
    throw new UsageError(`--tls-port must be 0..65535, got ${values['tls-port']}`);
  if ((values['tls-port'] ?? values['tls-dir']) !== undefined && !values.tls)
    throw new UsageError('--tls-port and --tls-dir need --tls');
  const tlsDir = values['tls-dir'] !== undefined ? { tlsDir: values['tls-dir'] } : {};
  const tls = values.tls ? { tls: true, tlsPort, ...tlsDir } : {};
  const stateDir = values['state-dir'] !== undefined ? { stateDir: values['state-dir'] } : {};
  return {
    options: { profile, credentials: { username, password }, port, timeScale, seed, ...tls, ...stateDir },
    bootstrap: !(values['no-bootstrap'] ?? false),
  };
}

function numberFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`);
  return n;
}
