/**
 * `upgrade-chaos qualify`: runs every scenario of the corpus (or those named with --scenario),
 * compares each claimed property's verdict with the scenario's expectation and prints the matrix;
 * exits 0 only when every verdict matches. `--compare OLD,NEW` instead plays each scenario against
 * two controller profiles and shows their failures side by side. Exploration is `explore`'s, with
 * the same seed for every scenario, and replay commands are `run`'s.
 */
import type { ExploreOptions, ReplayCase } from '../explore-result.ts';
import { checkPrerequisites, openTarget, checkCommandFlags, runnableConfigs, type Explorer } from './target-flags.ts';
import { parseFlags } from './options.ts';
import { workersFlag } from './worker-flags.ts';
import type { RunSettings } from '../run-settings.ts';
import { Invocation } from './invocation.ts';
import { EXPLORING_FLAGS, exploreOptionsOf, runSettingsOf, stopOnFailureOf } from './settings-flags.ts';
import type { Summary } from '../../reports/summary.ts';
import { resolveRun, type Overrides, type RunConfig } from '../run-config.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import {
  compareJson,
  compareScenario,
  compareVerdict,
  formatCompare,
  type CompareReport,
} from '../../reports/qualify-compare.ts';
import { formatQualifyMatrix } from '../../reports/qualify-matrix.ts';
import { qualifyJson, qualifyScenario, qualifyVerdict, type QualifyReport } from '../../reports/qualify-report.ts';
import type { CommandIO } from './run-command.ts';
import { scenarioByNameOrPath } from '../scenario-file.ts';
import { replayLine } from './replay-line.ts';
import { TargetError, UsageError } from '../errors.ts';

export const QUALIFY_FLAGS = {
  ...EXPLORING_FLAGS,
  scenario: { type: 'string', multiple: true },
  compare: { type: 'string' },
} as const;

export async function qualifyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, QUALIFY_FLAGS);
  // Refused before the flags' own checks: `x.mjs does not exist` would send the user to fix a
  // command qualify refuses anyway (trial 12).
  if (values['client-cmd'] !== undefined)
    throw new UsageError("qualify judges the corpus's own clients: use run --client-cmd for a program of yours");
  checkCommandFlags(values);
  const settings = runSettingsOf(values, {});
  const { configs, skipped } = runnableConfigs(
    (values.scenario?.map(scenarioByNameOrPath) ?? SCENARIOS).map((s) => resolveRun(s)),
    values,
    values.scenario !== undefined,
  );
  const compare = values.compare !== undefined ? compareFlag(values.compare) : undefined;
  // Unknown profiles are bad input: say so before anything starts.
  if (compare)
    for (const config of configs) for (const controller of compare) resolveRun(config.scenario, { controller });
  await checkPrerequisites(
    configs,
    values,
    values.scenario === undefined
      ? 'to leave them out, name the scenarios to qualify with --scenario NAME (repeatable)'
      : 'leave them out of the --scenario list',
  );
  const explorations = configs.length * (compare ? 2 : 1);
  // Made before the target opens: what it refuses must not leave a controller server running.
  const invocation = new Invocation({
    command: 'qualify',
    judged: 'expectations',
    settings,
    reportDir: values.report,
    outDir: values.out,
    label: 'qualify',
    stderr: process.stderr,
    ...(compare ? { compare: { old: compare[0], new: compare[1] } } : {}),
  });
  const { explorer, close } = await openTarget(values, workersFlag(values, explorations * settings.runs)).catch(
    (e: unknown) => {
      invocation.interrupt.dispose();
      throw e;
    },
  );
  invocation.started();
  // --stop-on-failure as run's, per scenario (and per controller with --compare): each exploration
  // ends at its first case in case order that fails it as qualify judges (against the scenario's
  // expectations), which is still shrunk.
  const options = invocation.exploreOptions({
    ...exploreOptionsOf(settings),
    ...stopOnFailureOf(values, 'expectations'),
  });
  try {
    if (compare) {
      const report = await compareControllers(configs, compare, explorer, options, settings, invocation, io);
      const summary = invocation.finish(skipped, report.verdict);
      io.out(values.json ? JSON.stringify(compareJson(report)) : formatCompare(report) + interruptNote(summary));
      return invocation.exitCode(report.verdict === 'pass');
    }
    const qualified = [];
    for (const config of configs) {
      if (invocation.interrupted) break;
      io.log.info({ scenario: config.scenario.name, target: settings.target.name, seed: settings.seed }, 'qualifying');
      const result = await explorer(config, options);
      const replay = (f: ReplayCase) => replayLine(config, f, settings);
      invocation.record(config, result, replay);
      qualified.push(qualifyScenario(config, result, replay, settings.shard !== undefined));
    }
    const report: QualifyReport = {
      verdict: qualifyVerdict(qualified),
      target: settings.target.name,
      strategy: settings.strategy,
      runs: settings.runs,
      seed: settings.seed,
      scenarios: qualified,
    };
    const summary = invocation.finish(skipped);
    io.out(
      values.json
        ? JSON.stringify({ ...qualifyJson(report), ...(summary.interrupted ? { interrupted: true } : {}) })
        : formatQualifyMatrix(report) + skipped.map((s) => `\nSkipped ${s}.`).join('') + interruptNote(summary),
    );
    return invocation.exitCode(report.verdict === 'pass');
  } catch (e) {
    invocation.interrupt.dispose();
    if (e instanceof TargetError) {
      const summary = invocation.stoppedByTarget(e, skipped);
      if (!values.json)
        io.out(
          `Stopped by a target failure after ${summary.scenarios.length} of ${explorations} exploration(s): ` +
            `what was found before it is in ${invocation.dir}`,
        );
    }
    throw e;
  } finally {
    await close();
  }
}

function interruptNote(summary: Summary): string {
  return summary.interrupted ? `\nInterrupted after ${summary.scenarios.length} exploration(s).` : '';
}

/** `--compare OLD,NEW`: two controller profile names. */
function compareFlag(value: string): [string, string] {
  const names = value.split(',').map((n) => n.trim());
  if (names.length !== 2 || names.some((n) => n === '')) {
    throw new UsageError(
      `--compare needs two controller profiles, e.g. --compare juju-1.22,juju-1.24 (got "${value}")`,
    );
  }
  return [names[0]!, names[1]!];
}

async function compareControllers(
  configs: readonly RunConfig[],
  [older, newer]: [string, string],
  explorer: Explorer,
  options: ExploreOptions,
  settings: RunSettings,
  invocation: Invocation,
  io: CommandIO,
): Promise<CompareReport> {
  const compared = [];
  for (const { scenario } of configs) {
    if (invocation.interrupted) break;
    // Each scenario's client and event mix against each controller, as `run --controller` does it.
    const results = [];
    for (const controller of [older, newer]) {
      const overrides = { controller } satisfies Overrides;
      const config = resolveRun(scenario, overrides);
      io.log.info({ scenario: scenario.name, controller }, 'comparing');
      const result = await explorer(config, options);
      invocation.record(config, result, (f) => replayLine(config, f, { ...settings, overrides }));
      results.push(result);
    }
    compared.push(compareScenario(scenario.name, results[0]!, results[1]!));
  }
  return {
    verdict: compareVerdict(compared),
    old: older,
    new: newer,
    target: settings.target.name,
    seed: settings.seed,
    scenarios: compared,
  };
}
