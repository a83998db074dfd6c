/**
 * The `python-libjuju` client profile: the real python-libjuju (the `juju` Python package) running
 * scenarios/clients/python-libjuju-deploy.py, a deployment script written with the library's
 * documented API (connect, deploy a local charm, wait until the units are active, disconnect). It
 * is a program of its own, run as `--client-cmd` runs one, and it dials wss:// only, so real targets
 * give it the controller's TLS port and CA. The interpreter is UPGRADE_CHAOS_PYTHON (default
 * `python3`): one that can `import juju`.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';
import type { ClientProfile } from './client.ts';
import { UsageError } from '../errors.ts';

export const PYTHON_LIBJUJU_SCRIPT = join(PROJECT_ROOT, 'scenarios', 'clients', 'python-libjuju-deploy.py');

/** A word for `sh -c`: quoted unless it is plainly safe. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export const pythonLibjujuProfile: ClientProfile = {
  name: 'python-libjuju',
  summary:
    'the real python-libjuju running scenarios/clients/python-libjuju-deploy.py: connect, deploy a local charm, wait for active units through its watcher (wss only, real targets)',
  realSocketsOnly: true,
  tls: true,
  command: () => `${shellWord(process.env['UPGRADE_CHAOS_PYTHON'] ?? 'python3')} ${shellWord(PYTHON_LIBJUJU_SCRIPT)}`,
  create: () => {
    throw new UsageError('the python-libjuju client is a program of its own: it runs on --target process or external');
  },
};
