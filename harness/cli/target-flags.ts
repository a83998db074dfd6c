/**
 * `--target` and the flags of real targets, shared by run, replay and qualify; and the explorer
 * each target gets: the sim explores in-process, real targets through exploreTarget.
 */
import { exploreAsync } from '../explore.ts';
import { exploreOnWorkers } from '../explore-on-workers.ts';
import { SimPool } from '../workers/sim-pool.ts';
import type { ExploreOptions, ExploreResult } from '../explore-result.ts';
import { exploreTarget } from '../explore-target.ts';
import type { RunConfig } from '../run-config.ts';
import { PASSWORD_ENV, type TargetSettings } from '../run-settings.ts';
import { createTarget, requireExternalCredentials, TARGET_NAMES } from '../targets/index.ts';
import type { Target } from '../targets/target.ts';
import { TargetError, UsageError } from '../errors.ts';
import { existsSync } from 'node:fs';
import { checkResultsFolder, refuseExistingReport } from '../report-folder.ts';
import { resolve } from 'node:path';
import { intFlag, parseFlags, type OptionSpec } from './options.ts';

export const TARGET_FLAGS = {
  target: { type: 'string' },
  'time-scale': { type: 'string' },
  'client-cmd': { type: 'string' },
  tls: { type: 'boolean' },
  url: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  concurrency: { type: 'string' },
  image: { type: 'string' },
} as const;

export { PASSWORD_ENV } from '../run-settings.ts';

/** The flags of commands that shrink (run, qualify): replay shrinks nothing. */
export const SHRINK_FLAGS = {
  'shrink-time': { type: 'string' },
} as const;

/** Seconds of shrinking on a real target itself, per violated property, unless --shrink-time says. */
export const DEFAULT_SHRINK_TIME_S = 120;

export interface TargetFlagValues {
  target?: string | undefined;
  'time-scale'?: string | undefined;
  'client-cmd'?: string | undefined;
  tls?: boolean | undefined;
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  concurrency?: string | undefined;
  image?: string | undefined;
  'shrink-time'?: string | undefined;
}

/** The flags each target takes beyond --target; any other target flag is refused. */
const FLAGS_OF_TARGET: Record<(typeof TARGET_NAMES)[number], readonly (keyof TargetFlagValues)[]> = {
  sim: [],
  process: ['time-scale', 'client-cmd', 'concurrency', 'tls', 'shrink-time'],
  container: ['time-scale', 'client-cmd', 'concurrency', 'image', 'tls', 'shrink-time'],
  external: ['time-scale', 'client-cmd', 'concurrency', 'url', 'username', 'password', 'shrink-time'],
};
const TARGET_ONLY_FLAGS = [...new Set(Object.values(FLAGS_OF_TARGET).flat())];

/** parseFlags, then checkCommandFlags. */
export function parseCommandFlags<T extends OptionSpec>(argv: string[], spec: T, allowPositionals = false) {
  const parsed = parseFlags(argv, spec, allowPositionals);
  checkCommandFlags(parsed.values);
  return parsed;
}

/** The checks every command with target flags needs before it runs anything: flags that mean
 *  nothing for the chosen target, an empty --client-cmd, an --out or --report folder that cannot be
 *  written, a --report folder that already holds a report. */
export function checkCommandFlags(values: object): void {
  checkTargetFlags(values as TargetFlagValues);
  // Results go under --out or --report: a file there would fail only after the whole run.
  for (const flag of ['out', 'report'] as const) {
    const dir = (values as { out?: unknown; report?: unknown })[flag];
    if (typeof dir === 'string') checkResultsFolder(`--${flag}`, dir);
  }
  // Refused here, before a server or container is started, not when the results folder is made.
  const report = (values as { report?: unknown }).report;
  if (typeof report === 'string') refuseExistingReport(report);
}

export function checkTargetFlags(values: TargetFlagValues): void {
  const name = values.target ?? 'sim';
  if (!(TARGET_NAMES as readonly string[]).includes(name))
    throw new UsageError(`unknown target "${name}" (known: ${TARGET_NAMES.join(', ')})`);
  const allowed = FLAGS_OF_TARGET[name as keyof typeof FLAGS_OF_TARGET];
  for (const flag of TARGET_ONLY_FLAGS) {
    if (values[flag] === undefined || allowed.includes(flag)) continue;
    const owners = TARGET_NAMES.filter((t) => FLAGS_OF_TARGET[t].includes(flag));
    if (flag === 'client-cmd')
      throw new UsageError('--client-cmd needs a real target: --target process, container or external');
    throw new UsageError(`--${flag} applies only to --target ${owners.join(' or ')}, not ${name}`);
  }
  shrinkTimeMs(values['shrink-time']);
  const command = values['client-cmd'];
  if (command !== undefined && command.trim() === '')
    throw new UsageError('--client-cmd must name a program to run, e.g. --client-cmd "node my-deploy.mjs"');
  const missing = command !== undefined ? missingScript(command) : undefined;
  if (missing !== undefined)
    throw new UsageError(
      `--client-cmd "${command}": ${missing} does not exist (the program would exit before dialling)`,
    );
}

/** A plain word of the command that names a script (by its extension), not an option, assignment,
 *  URL or anything the shell expands. */
const SCRIPT_WORD = /^[^-=$`'"*?~\\][^=$`'"*?\\]*\.(py|js|mjs|cjs|ts|mts|sh|bash|rb|pl)$/;

/**
 * The script a --client-cmd names that does not exist, if any: `python3 missing.py` runs the
 * interpreter, which exits at once without dialling the controller. Launched before bootstrap, that
 * reads as a script that gave up (a violation, shrunk and kept) rather than bad input. Relative
 * paths are the program's: it runs in this directory.
 */
function missingScript(command: string): string | undefined {
  return command
    .trim()
    .split(/\s+/)
    .find((word) => SCRIPT_WORD.test(word) && !word.includes('://') && !existsSync(resolve(word)));
}

/** `--shrink-time SECONDS`: how long shrinking on a real target itself may take per property. */
function shrinkTimeMs(value: string | undefined): number {
  return intFlag(value, 'shrink-time', DEFAULT_SHRINK_TIME_S, 1, 86_400) * 1000;
}

function password(values: TargetFlagValues): string | undefined {
  return values.password ?? (values.target === 'external' ? process.env[PASSWORD_ENV] : undefined);
}

export type Explorer = (config: RunConfig, options: ExploreOptions) => Promise<ExploreResult>;

/** The target as a failure record keeps it: everything but the password. */
export function targetSettings(values: TargetFlagValues): TargetSettings {
  const scale = timeScale(values['time-scale']);
  return {
    name: values.target ?? 'sim',
    ...(scale !== undefined ? { timeScale: scale } : {}),
    ...(values['client-cmd'] !== undefined ? { clientCommand: values['client-cmd'] } : {}),
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.username !== undefined ? { username: values.username } : {}),
    ...(values.tls ? { tls: true } : {}),
  };
}

function timeScale(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 100)
    throw new UsageError(`--time-scale must be a number in (0, 100], got "${value}"`);
  return n;
}

/** `--concurrency N`: runs in flight at once on a real target; default what the target says suits
 *  this machine (Target.defaultConcurrency), else 1. */
export function concurrencyFor(target: Target, value: string | undefined): number {
  if (value === undefined) return target.defaultConcurrency ?? 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY)
    throw new UsageError(`--concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got "${value}"`);
  const most = target.maxConcurrency ?? 1;
  if (n > most) throw new UsageError(`--concurrency ${n}: the ${target.name} target runs at most ${most} at once`);
  return n;
}

/** More runs in flight than this only stretch every run's real timings on any machine we know. */
const MAX_CONCURRENCY = 256;

/** Opens the target the flags name. Closing it (always, in a finally) stops what it started; an
 *  interrupt (cli/interrupt.ts) stops the exploration, which returns, and the finally closes it. */
export async function openTarget(
  values: TargetFlagValues,
  simWorkers = 1,
): Promise<{ target: Target; explorer: Explorer; concurrency: number; close: () => Promise<void> }> {
  checkTargetFlags(values);
  const name = values.target ?? 'sim';
  const scale = timeScale(values['time-scale']);
  const target = await createTarget(name, {
    ...(scale !== undefined ? { timeScale: scale } : {}),
    ...(values['client-cmd'] !== undefined ? { clientCommand: values['client-cmd'] } : {}),
    ...(values.tls ? { tls: true } : {}),
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.username !== undefined ? { username: values.username } : {}),
    ...(password(values) !== undefined ? { password: password(values) } : {}),
    ...(values.image !== undefined ? { image: values.image } : {}),
    // On stderr: --json keeps stdout to its one object.
    onSetup: (line) => process.stderr.write(`upgrade-chaos: ${name} target: ${line}\n`),
  });
  let concurrency: number;
  try {
    concurrency = concurrencyFor(target, values.concurrency);
  } catch (e) {
    await target.close();
    throw e;
  }
  const pool = name === 'sim' && simWorkers > 1 ? new SimPool(simWorkers) : undefined;
  const close = async (): Promise<void> => {
    await pool?.close();
    await target.close();
  };
  const explorer: Explorer =
    name === 'sim'
      ? (config, options) => (pool ? exploreOnWorkers(pool, config, options) : exploreAsync(config, options))
      : (config, options) =>
          exploreTarget(target, config, {
            ...options,
            shrinkOnSim: values['client-cmd'] === undefined && !config.client.realSocketsOnly,
            confirmRuns: 3,
            shrinkTimeLimitMs: shrinkTimeMs(values['shrink-time']),
            shrinkTimeIsDefault: values['shrink-time'] === undefined,
            concurrency,
            // The default number in flight is a ceiling, lowered while runs stall; a number asked for is kept.
            backoff: values.concurrency === undefined,
          });
  return { target, explorer, concurrency, close };
}

/** Scenarios whose client needs real sockets cannot run on the sim: named, that is an error; in a
 *  corpus run they are left out, and `skipped` says which, for the report. */
export function runnableConfigs(
  configs: RunConfig[],
  values: TargetFlagValues,
  named: boolean,
): { configs: RunConfig[]; skipped: string[] } {
  if ((values.target ?? 'sim') !== 'sim') return { configs, skipped: [] };
  const skipped: string[] = [];
  const runnable = configs.filter((config) => {
    if (!config.client.realSocketsOnly) return true;
    const why = `the ${config.client.name} client needs real sockets: use --target process, container or external`;
    if (named) throw new UsageError(`${config.scenario.name}: ${why}`);
    skipped.push(`${config.scenario.name} (${why})`);
    return false;
  });
  return { configs: runnable, skipped };
}

/**
 * Each scenario's client prerequisites (ClientProfile.prepare: python-libjuju's `import juju`),
 * checked before any run starts: found missing at its scenario, minutes into a corpus run or a
 * qualification, it would stop everything there. A TargetError (exit 3) names the scenarios and,
 * when the user chose none, how to leave them out (`leaveOut`). A --client-cmd replaces the profiles.
 */
export async function checkPrerequisites(
  configs: readonly RunConfig[],
  values: TargetFlagValues,
  leaveOut: string | undefined,
): Promise<void> {
  // Bad usage first (exit 2): a missing --url is the user's to fix before any prerequisite.
  if (values.target === 'external') requireExternalCredentials({ ...values, password: password(values) });
  if ((values.target ?? 'sim') === 'sim' || values['client-cmd'] !== undefined) return;
  const missing: { scenario: string; why: string }[] = [];
  for (const config of configs) {
    try {
      await config.client.prepare?.();
    } catch (e) {
      if (!(e instanceof TargetError)) throw e;
      missing.push({ scenario: config.scenario.name, why: e.message });
    }
  }
  if (missing.length === 0) return;
  const names = missing.map((m) => m.scenario).join(', ');
  const whys = [...new Set(missing.map((m) => m.why))].join('; ');
  throw new TargetError(`${names} cannot run here: ${whys}${leaveOut !== undefined ? `; ${leaveOut}` : ''}`);
}
