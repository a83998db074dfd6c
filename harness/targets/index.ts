/**
 * Every target by name, for the CLI's `--target`:
 *   sim       the controller model on a virtual clock (in-process, deterministic)
 *   process   the controller server as an OS process, real sockets, fault proxies (harness starts it)
 *   container the same server in a Docker container (an image built here, or --image)
 *   external  a controller the harness did not start (--url, --username, --password)
 * Usage problems are UsageError (exit 2); a target that cannot start is TargetError (exit 3).
 */
import { createExternalTarget } from './external.ts';
import { createProcessTarget } from './process/index.ts';
import { createContainerTarget } from './container/index.ts';
import { createSimTarget } from './sim/target.ts';
import type { Target } from './target.ts';
import { UsageError } from '../errors.ts';

export const TARGET_NAMES = ['sim', 'process', 'container', 'external'] as const;

export interface TargetOptions {
  /** process / external: real time per model millisecond (process default 0.02, external 1). */
  timeScale?: number;
  /** process / external: a black-box client program (`--client-cmd`) instead of the client profile. */
  clientCommand?: string;
  /** process: the controller server's port (default: a free one). */
  port?: number;
  /** process / container: every client dials wss:// (the agent's TLS port, with the controller's CA). */
  tls?: boolean;
  /** container: an image of the controller server instead of one built here. */
  image?: string;
  /** container: told what takes seconds before the first run (image build or reuse, container start). */
  onSetup?: (line: string) => void;
  /** external: the controller's model URL and credentials. */
  url?: string;
  username?: string;
  password?: string;
}

/** The external target's URL and credentials, or a UsageError naming what it needs. */
export function requireExternalCredentials({ url, username, password }: TargetOptions): {
  url: string;
  username: string;
  password: string;
} {
  if (!url || !username || password === undefined) {
    throw new UsageError('--target external needs --url ws://HOST:PORT/model/UUID/api, --username and --password');
  }
  return { url, username, password };
}

export async function createTarget(name: string, options: TargetOptions = {}): Promise<Target> {
  if (options.timeScale !== undefined && !(options.timeScale > 0 && options.timeScale <= 100)) {
    throw new UsageError(`--time-scale must be in (0, 100], got ${options.timeScale}`);
  }
  const common = {
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    ...(options.clientCommand !== undefined ? { clientCommand: options.clientCommand } : {}),
  };
  switch (name) {
    case 'sim':
      if (options.clientCommand !== undefined)
        throw new UsageError('--client-cmd needs a real target: --target process, container or external');
      return createSimTarget();
    case 'process':
      return createProcessTarget({
        ...common,
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.tls ? { tls: true } : {}),
      });
    case 'container':
      return createContainerTarget({
        ...common,
        ...(options.image !== undefined ? { image: options.image } : {}),
        ...(options.onSetup ? { onSetup: options.onSetup } : {}),
        ...(options.tls ? { tls: true } : {}),
      });
    case 'external': {
      const { url, username, password } = requireExternalCredentials(options);
      return createExternalTarget({ url, username, password, ...common });
    }
    default:
      throw new UsageError(`unknown target "${name}" (known: ${TARGET_NAMES.join(', ')})`);
  }
}
