/**
 * The `python-libjuju` client profile: the real python-libjuju (the `juju` Python package) running
 * scenarios/clients/python-libjuju-deploy.py, a deployment script written with the library's
 * documented API (connect, deploy a local charm, wait until the units are active, disconnect). It
 * is a program of its own, run as `--client-cmd` runs one, and it dials wss:// only, so real targets
 * give it the controller's TLS port and CA. The interpreter is UPGRADE_CHAOS_PYTHON (default
 * `python3`): one that can `import juju`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';
import type { ClientProfile } from './client.ts';
import { TargetError, UsageError } from '../errors.ts';

export const PYTHON_LIBJUJU_SCRIPT = join(PROJECT_ROOT, 'scenarios', 'clients', 'python-libjuju-deploy.py');

/** A word for `sh -c`: quoted unless it is plainly safe. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The interpreter the profile runs: UPGRADE_CHAOS_PYTHON, else python3 on PATH. */
function python(): string {
  return process.env['UPGRADE_CHAOS_PYTHON'] ?? 'python3';
}

/** One check per interpreter, however many runs are in flight. */
const importChecks = new Map<string, Promise<void>>();

/**
 * Fails (exit 3, one line) when the interpreter cannot `import juju`: every run would otherwise end
 * in the script's ImportError, reported as the client failing to deploy, a property violation the
 * controller never caused.
 */
function checkImportable(): Promise<void> {
  const interpreter = python();
  let check = importChecks.get(interpreter);
  if (!check) {
    check = new Promise<void>((resolve, reject) => {
      execFile(interpreter, ['-c', 'import juju'], { timeout: 60_000 }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const why = stderr.trim().split('\n').at(-1) || error.message.split('\n', 1).join('');
        reject(
          new TargetError(
            `the python-libjuju client needs python-libjuju, and ${interpreter} cannot import juju (${why}): ` +
              `install it (pip install juju, or a checkout of github.com/juju/python-libjuju on PYTHONPATH) ` +
              `or set UPGRADE_CHAOS_PYTHON to a python that has it`,
          ),
        );
      });
    });
    importChecks.set(interpreter, check);
  }
  return check;
}

export const pythonLibjujuProfile: ClientProfile = {
  name: 'python-libjuju',
  summary:
    'the real python-libjuju running scenarios/clients/python-libjuju-deploy.py: connect, deploy a local charm, wait for active units through its watcher (wss only, real targets)',
  realSocketsOnly: true,
  tls: true,
  command: () => `${shellWord(python())} ${shellWord(PYTHON_LIBJUJU_SCRIPT)}`,
  prepare: checkImportable,
  create: () => {
    throw new UsageError(
      'the python-libjuju client is a program of its own: it runs on --target process, container or external',
    );
  },
};
