/**
 * `upgrade-chaos qualify`: runs every scenario of the corpus (or those named with --scenario),
 * compares each claimed property's verdict with the scenario's expectation and prints the matrix;
 * exits 0 only when every verdict matches. `--compare OLD,NEW` instead plays each scenario against
 * two controller profiles and shows their failures side by side. Exploration is `explore`'s, with
 * the same seed for every scenario, and replay commands are `run`'s.
 */
import { explore, type ExploreOptions, type ExploreResult } from '../explore.ts';
import { resolveRun, UsageError, type Overrides, type RunConfig } from '../run-config.ts';
import type { Scenario } from '../scenario.ts';
import { DEFAULT_STRATEGY } from '../strategies/names.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { compareJson, compareScenario, compareVerdict, formatCompare, type CompareReport } from '../../reports/qualify-compare.ts';
import { formatQualifyMatrix } from '../../reports/qualify-matrix.ts';
import { qualifyJson, qualifyScenario, qualifyVerdict, type QualifyReport } from '../../reports/qualify-report.ts';
import { intFlag, parseFlags, seedFlag } from './options.ts';
import { replayCommand, scenarioOrExit, type CommandIO } from './run-command.ts';
import { strategyFlag } from './strategy-flag.ts';

export const QUALIFY_FLAGS = {
  target: { type: 'string' },
  scenario: { type: 'string', multiple: true },
  runs: { type: 'string' },
  seed: { type: 'string' },
  strategy: { type: 'string' },
  'max-events': { type: 'string' },
  compare: { type: 'string' },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

/** Explores one scenario on one target. */
type Explorer = (config: RunConfig, options: ExploreOptions) => Promise<ExploreResult>;

/**
 * The seam between qualify and the targets. The sim explores in-process. A real target needs an
 * exploration that plays each case on a Target (harness/targets/index.ts createTarget), which
 * `explore` does not do yet; until it does, asking for one is a usage error, not a crash.
 */
async function explorerFor(target: string): Promise<Explorer> {
  if (target === 'sim') return async (config, options) => explore(config, options);
  const targets: { createTarget?: unknown } = await import('../targets/index.ts').catch(() => ({}));
  const why = typeof targets.createTarget === 'function' ? 'exploration on real targets' : `a ${target} target`;
  throw new UsageError(`--target ${target} is not available yet for qualify (it needs ${why}); use --target sim`);
}

export async function qualifyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, QUALIFY_FLAGS);
  const target = values.target ?? 'sim';
  const strategy = strategyFlag(values.strategy) ?? DEFAULT_STRATEGY;
  const maxEvents = values['max-events'] !== undefined ? intFlag(values['max-events'], 'max-events', 0, 1, 200) : undefined;
  const options: ExploreOptions = {
    runs: intFlag(values.runs, 'runs', 1000, 1, 10_000_000),
    seed: seedFlag(values.seed),
    strategy,
    ...(maxEvents !== undefined ? { maxEvents } : {}),
  };
  const scenarios = values.scenario?.map(scenarioOrExit) ?? SCENARIOS;
  const compare = values.compare !== undefined ? compareFlag(values.compare) : undefined;
  const explorer = await explorerFor(target);

  if (compare) {
    const report = await compareControllers(scenarios, compare, explorer, options, target, io);
    io.out(values.json ? JSON.stringify(compareJson(report)) : formatCompare(report));
    return report.verdict === 'pass' ? 0 : 1;
  }

  const qualified = [];
  for (const scenario of scenarios) {
    const config = resolveRun(scenario);
    io.log.info({ scenario: scenario.name, runs: options.runs, seed: options.seed, strategy }, 'qualifying');
    const result = await explorer(config, options);
    qualified.push(qualifyScenario(config, result, (f) => replayCommand(config, {}, maxEvents, f, strategy)));
  }
  const report: QualifyReport = {
    verdict: qualifyVerdict(qualified), target, strategy, runs: options.runs, seed: options.seed, scenarios: qualified,
  };
  io.out(values.json ? JSON.stringify(qualifyJson(report)) : formatQualifyMatrix(report));
  return report.verdict === 'pass' ? 0 : 1;
}

/** `--compare OLD,NEW`: two controller profile names. */
function compareFlag(value: string): [string, string] {
  const names = value.split(',').map((n) => n.trim());
  if (names.length !== 2 || names.some((n) => n === '')) {
    throw new UsageError(`--compare needs two controller profiles, e.g. --compare juju-1.22,juju-1.24 (got "${value}")`);
  }
  return [names[0]!, names[1]!];
}

async function compareControllers(
  scenarios: readonly Scenario[], [older, newer]: [string, string], explorer: Explorer, options: ExploreOptions, target: string,
  io: CommandIO,
): Promise<CompareReport> {
  const compared = [];
  for (const scenario of scenarios) {
    // Each scenario's client and event mix against each controller, as `run --controller` does it.
    const [oldConfig, newConfig] = [older, newer].map((controller): RunConfig => resolveRun(scenario, { controller } satisfies Overrides));
    io.log.info({ scenario: scenario.name, old: older, new: newer }, 'comparing');
    compared.push(compareScenario(scenario.name, await explorer(oldConfig!, options), await explorer(newConfig!, options)));
  }
  return { verdict: compareVerdict(compared), old: older, new: newer, target, seed: options.seed, scenarios: compared };
}
