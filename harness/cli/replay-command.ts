/**
 * `upgrade-chaos replay`: run one case again exactly, from `--seed` and `--path` (the case that
 * fast-check reached there) or from a saved failure file, which brings its whole scenario, overrides,
 * target, client command and options with it (flags given here win). It prints the failure, whether
 * the history hash is the recorded one, and a vitest test to paste that fails until the race is fixed.
 */
import { runsPerSecond } from '../rate.ts';
import { isDeepStrictEqual } from 'node:util';
import { caseAtPath } from '../case-at-path.ts';
import type { ExploreResult, Failure, ReplayCase } from '../explore-result.ts';
import { checkPlan } from '../plan-check.ts';
import { checkResultsFolder, readFailureFile, refuseExistingReport } from '../report-folder.ts';
import { scenarioOfRecord } from '../failure-record.ts';
import { historyHash } from '../history.ts';
import { resolveRun, type Overrides, type RunConfig } from '../run-config.ts';
import { judgeRun } from '../runner.ts';
import type { TargetRun } from '../target-run.ts';
import type { Plan } from '../plan.ts';
import { clientCommandLabel, PASSWORD_ENV, type RunSettings, type TargetSettings } from '../run-settings.ts';
import { Limiter } from '../limiter.ts';
import { runCase } from '../targets/target.ts';
import { DEFAULT_STRATEGY } from '../strategies/names.ts';
import type { PropertyName } from '../../properties/index.ts';
import { checkTargetFlags, openTarget, TARGET_FLAGS, targetSettings, type TargetFlagValues } from './target-flags.ts';
import { formatFailure } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import { formatTimeline } from '../../reports/timeline.ts';
import { formatVitestTest } from '../../reports/vitest-test.ts';
import { intFlag, pathFlag, seedFlag, parseFlags } from './options.ts';
import type { CommandIO } from './run-command.ts';
import { scenarioByNameOrPath } from '../scenario-file.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { replayLine } from './replay-line.ts';
import { strategyFlag } from './strategy-flag.ts';
import { Invocation } from './invocation.ts';
import { INTERRUPTED_EXIT_CODE, UsageError } from '../errors.ts';
import { listenForInterrupt } from './interrupt.ts';

const REPLAY_FLAGS = {
  ...TARGET_FLAGS,
  repeat: { type: 'string' },
  scenario: { type: 'string' },
  controller: { type: 'string' },
  client: { type: 'string' },
  property: { type: 'string', multiple: true },
  seed: { type: 'string' },
  path: { type: 'string' },
  'max-events': { type: 'string' },
  strategy: { type: 'string' },
  file: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

type ReplayValues = ReturnType<typeof parseFlags<typeof REPLAY_FLAGS>>['values'];

/** What to replay: the run's configuration and settings, the case, and the hash it had, if known. */
interface ReplayRequest {
  config: RunConfig;
  settings: RunSettings;
  plan: Plan;
  simSeed: number;
  seed: number;
  path: string;
  expectedHash?: string;
}

export async function replayCommand(argv: string[], io: CommandIO): Promise<number> {
  // Target flags are checked against the target they apply to: a failure file's recorded one
  // when no --target is given (fromFile), else the one named (sim by default).
  const { values, positionals } = parseFlags(argv, REPLAY_FLAGS, true);
  if (positionals.length > 1) throw new UsageError(`replay takes at most one failure file, got ${positionals.length}`);
  const file = values.file ?? positionals[0];
  // Refused before anything runs: found when the report is written, the replay's runs were wasted.
  if (values.report !== undefined) {
    checkResultsFolder('--report', values.report);
    refuseExistingReport(values.report);
  }
  const request = file !== undefined ? fromFile(file, values) : fromFlags(values);
  const { config, settings, plan, simSeed } = request;
  const repeat = intFlag(values.repeat, 'repeat', 1, 1, 1000);
  const start = performance.now();
  const interrupt = listenForInterrupt();
  let replayed: Awaited<ReturnType<typeof replayOn>>;
  try {
    replayed = await replayOn(targetValues(settings, values), config, plan, simSeed, repeat, interrupt.signal);
  } catch (e) {
    if (interrupt.received === undefined) throw e;
    process.stderr.write(`upgrade-chaos: ${interrupt.received}: replay stopped\n`);
    return INTERRUPTED_EXIT_CODE;
  } finally {
    interrupt.dispose();
  }
  const { runs, shown, targetName } = replayed;
  const elapsedMs = Math.round(performance.now() - start);
  const failedRuns = runs.filter((r) => r.violations.length > 0).length;
  const reproduced = repeat > 1 || targetName !== 'sim' ? { runs: repeat, failed: failedRuns } : undefined;
  const hash = historyHash(shown.history);
  const byProperty = new Map<PropertyName, Failure['violations']>();
  for (const v of shown.violations) byProperty.set(v.property, [...(byProperty.get(v.property) ?? []), v]);
  const failures: Failure[] = [...byProperty].map(([property, violations]) => ({
    shrunkOn: 'none',
    reason: 'replay',
    target: targetName,
    clientOutputs: shown.clientOutputs,
    property,
    seed: request.seed,
    path: request.path,
    events: plan.length,
    shrunkEvents: plan.length,
    plan,
    simSeed,
    historyHash: hash,
    violations,
    history: shown.history,
    shrinkMs: 0,
    ...(reproduced ? { reproduced } : {}),
  }));
  const result: ExploreResult = {
    scenario: config.scenario.name,
    target: targetName,
    runs: repeat,
    seed: request.seed,
    verdict: failures.length ? 'fail' : 'pass',
    runsPerSecond: runsPerSecond(repeat, elapsedMs),
    elapsedMs,
    properties: config.properties.map((property) => {
      const unknown = shown.unknown.find((u) => u.property === property);
      const verdict = byProperty.has(property) ? 'violated' : unknown ? 'unknown' : 'held';
      return {
        property,
        verdict,
        violated: verdict === 'violated',
        ...(unknown ? { unknownRuns: 1, unknownReason: unknown.reason } : {}),
      };
    }),
    failures,
  };
  const replay = (f: ReplayCase) => replayLine(config, f, settings);
  if (values.report !== undefined) saveReport(values.report, settings, config, result, replay);
  // The test runs the plan on the sim: for a --client-cmd program or a client that needs real
  // sockets, the sim plays another client, and the test would pass at once.
  const simClient = settings.target.clientCommand === undefined && !config.client.realSocketsOnly;
  const test = failures.length > 0 && simClient ? vitestTestOf(request) : undefined;
  const hashNote = request.expectedHash
    ? request.expectedHash === hash
      ? ' (same as recorded)'
      : ` (DIFFERS from the recorded ${request.expectedHash})`
    : '';
  if (values.json) {
    io.out(
      JSON.stringify({
        ...runJson(result, replay),
        historyHash: hash,
        ...(request.expectedHash ? { expectedHistoryHash: request.expectedHash } : {}),
        ...(test ? { vitestTest: test } : {}),
      }),
    );
  } else {
    // Each failure's own text ends with the hash; the line of its own is for a run that failed nothing.
    const full = { fullTimeline: values.full === true, fullHint: 'replay it with --full to see every line' };
    for (const f of failures) io.out(formatFailure(f, replay(f), { hashNote, ...full }) + '\n');
    for (const u of shown.unknown) io.out(`? ${u.property} unknown: ${u.reason}`);
    if (failures.length === 0) {
      const verdict = heldVerdict(config, shown.unknown.length);
      const timeline = formatTimeline(shown.history, { ...(values.full ? { maxLines: Infinity } : {}), ...full });
      io.out(`${verdict}\nTimeline:\n${timeline}`);
    }
    if (reproduced) io.out(`Failed ${reproduced.failed} of ${reproduced.runs} runs on the ${targetName} target.`);
    if (failures.length === 0) io.out(`History hash ${hash}${hashNote}`);
    if (test) io.out(`\nA vitest test that fails until this is fixed (paste it into your project):\n\n${test}\n`);
    else if (failures.length > 0)
      io.out(`\nNo vitest test: it would play the sim's own client, not ${clientNamed(settings, config)}.`);
  }
  return failures.length ? 1 : 0;
}

/**
 * What a replay that violated nothing says: "every property" only when it judged every one of the
 * scenario's; with --property (or a failure file, which judges its own property) it names those it
 * judged (trial 12: `--property no-work-before-upgrade` said "Every property held.").
 */
function heldVerdict(config: RunConfig, unknown: number): string {
  const every = Object.keys(config.scenario.expect).every((p) => (config.properties as string[]).includes(p));
  const judged = config.properties.join(', ');
  if (unknown === 0) return every ? 'Every property held.' : `${judged} held.`;
  return every ? 'No property was violated.' : `No violation of ${judged}.`;
}

/** A saved failure: its scenario as recorded, its overrides and options; flags given here win. */
function fromFile(file: string, values: ReplayValues): ReplayRequest {
  const { record } = readFailureFile(file);
  const recorded = record.settings;
  const overrides: Overrides = {
    ...recorded.overrides,
    ...(values.controller !== undefined ? { controller: values.controller } : {}),
    ...(values.client !== undefined ? { client: values.client } : {}),
    properties: values.property ?? [record.property],
  };
  const config = resolveRun(scenarioOfRecord(record), overrides);
  checkPlan(record.plan, config.scenario.clients);
  const target =
    values.target !== undefined
      ? retargeted(recorded.target, targetSettings(values))
      : withFlags(recorded.target, values);
  return {
    config,
    settings: { ...recorded, overrides, target },
    plan: record.plan,
    simSeed: record.simSeed,
    seed: record.seed,
    path: record.path,
    // The recorded hash means something only where it was recorded.
    ...(target.name === recorded.target.name ? { expectedHash: record.historyHash } : {}),
  };
}

/**
 * The target a saved failure replays on when --target names another: a failure a --client-cmd
 * program showed replays that program there too (a built-in client in its place would answer
 * another question, and pass), at its recorded time scale unless one is given; the external
 * target's is the real controller's own. The sim runs no program, so that is refused.
 */
function retargeted(recorded: TargetSettings, given: TargetSettings): TargetSettings {
  const command = recorded.clientCommand;
  if (command === undefined || given.clientCommand !== undefined) return given;
  if (given.name === 'sim')
    throw new UsageError(
      `this failure was found with ${clientCommandLabel(command)}, which the sim cannot run: replay it on --target process, container or external`,
    );
  const keepScale = given.timeScale === undefined && recorded.timeScale !== undefined && given.name !== 'external';
  return { ...given, clientCommand: command, ...(keepScale ? { timeScale: recorded.timeScale } : {}) };
}

/** The recorded target with the target flags given here (no --target: they apply to that one). */
function withFlags(recorded: TargetSettings, values: ReplayValues): TargetSettings {
  const given = { ...values, target: recorded.name };
  checkTargetFlags(given);
  return { ...recorded, ...targetSettings(given) }; // its name is the recorded one
}

function fromFlags(values: ReplayValues): ReplayRequest {
  checkTargetFlags(values);
  if (values.scenario === undefined)
    throw new UsageError('replay needs --scenario with --seed and --path, or a failure file');
  if (values.seed === undefined || values.path === undefined)
    throw new UsageError('replay needs both --seed and --path (as printed by run)');
  const overrides: Overrides = {
    ...(values.controller !== undefined ? { controller: values.controller } : {}),
    ...(values.client !== undefined ? { client: values.client } : {}),
    ...(values.property !== undefined ? { properties: values.property } : {}),
  };
  const config = resolveRun(scenarioByNameOrPath(values.scenario), overrides, values['client-cmd']);
  const maxEvents =
    values['max-events'] !== undefined ? intFlag(values['max-events'], 'max-events', 0, 1, 200) : undefined;
  const strategy = strategyFlag(values.strategy) ?? DEFAULT_STRATEGY;
  const seed = seedFlag(values.seed);
  const path = pathFlag(values.path)!;
  const [plan, simSeed] = caseAtPath(config, {
    seed,
    path,
    strategy,
    ...(maxEvents !== undefined ? { maxEvents } : {}),
  });
  const settings: RunSettings = {
    target: targetSettings(values),
    overrides,
    strategy,
    ...(maxEvents !== undefined ? { maxEvents } : {}),
    runs: 1,
    seed,
    checkDeterminism: false,
  };
  return { config, settings, plan, simSeed, seed, path };
}

/** The flags that open the replay's target; the password is never recorded, so it comes from here. */
function targetValues(settings: RunSettings, values: ReplayValues): TargetFlagValues {
  const t = settings.target;
  if (t.name === 'external' && values.password === undefined && process.env[PASSWORD_ENV] === undefined)
    throw new UsageError(
      `this failure was found on an external controller: give its --password or set ${PASSWORD_ENV} (it is never saved)`,
    );
  return {
    target: t.name,
    ...(t.timeScale !== undefined ? { 'time-scale': String(t.timeScale) } : {}),
    ...(t.clientCommand !== undefined ? { 'client-cmd': t.clientCommand } : {}),
    ...(t.url !== undefined ? { url: t.url } : {}),
    ...(t.username !== undefined ? { username: t.username } : {}),
    ...(values.password !== undefined ? { password: values.password } : {}),
    ...(values.concurrency !== undefined ? { concurrency: values.concurrency } : {}),
    ...(t.tls ? { tls: true } : {}),
  };
}

function clientNamed(settings: RunSettings, config: RunConfig): string {
  const command = settings.target.clientCommand;
  return command !== undefined ? clientCommandLabel(command) : `the ${config.client.name} client`;
}

function vitestTestOf(request: ReplayRequest): string {
  const { config, settings } = request;
  const builtIn = isDeepStrictEqual(scenarioByName(config.scenario.name), config.scenario);
  return formatVitestTest({
    scenario: config.scenario,
    builtIn,
    overrides: settings.overrides,
    property: config.properties[0]!,
    seed: request.seed,
    path: request.path,
    strategy: settings.strategy,
    ...(settings.maxEvents !== undefined ? { maxEvents: settings.maxEvents } : {}),
    plan: request.plan,
    simSeed: request.simSeed,
  });
}

function saveReport(
  dir: string,
  settings: RunSettings,
  config: RunConfig,
  result: ExploreResult,
  replay: (f: ReplayCase) => string,
): void {
  const invocation = new Invocation({
    command: 'replay',
    judged: 'properties',
    settings,
    reportDir: dir,
    outDir: undefined,
    label: config.scenario.name,
    stderr: process.stderr,
  });
  invocation.started();
  invocation.record(config, result, replay);
  invocation.finish();
}

/** Runs the case `repeat` times where the flags say; shows the first failing run (or the first).
 *  An interrupt stops the runs in flight and rejects. */
async function replayOn(
  values: TargetFlagValues,
  config: RunConfig,
  plan: Plan,
  simSeed: number,
  repeat: number,
  signal: AbortSignal,
) {
  const { target, concurrency, close } = await openTarget(values);
  try {
    // The repeats run in flight together (--concurrency of them at once); their order is kept.
    const limiter = new Limiter(concurrency);
    // A program's output is kept with its run, to be shown with its failure as `run` shows it.
    const runs: TargetRun[] = await Promise.all(
      Array.from({ length: repeat }, () =>
        limiter.run(async () => {
          signal.throwIfAborted();
          const { history, clientOutputs } = await runCase(target, config, plan, simSeed, { signal });
          return { ...judgeRun(history, config.properties), clientOutputs };
        }),
      ),
    );
    return { runs, shown: runs.find((r) => r.violations.length > 0) ?? runs[0]!, targetName: target.name };
  } finally {
    await close();
  }
}
