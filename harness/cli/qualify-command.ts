/**
 * `upgrade-chaos qualify`: runs every scenario of the corpus (or those named with --scenario),
 * compares each claimed property's verdict with the scenario's expectation and prints the matrix;
 * exits 0 only when every verdict matches. `--compare OLD,NEW` instead plays each scenario against
 * two controller profiles and shows their failures side by side. Exploration is `explore`'s, with
 * the same seed for every scenario, and replay commands are `run`'s.
 */
import type { ExploreOptions } from '../explore-result.ts';
import {
  defaultRuns,
  openTarget,
  parseCommandFlags,
  runnableConfigs,
  TARGET_FLAGS,
  workersFlag,
  type Explorer,
} from './target-flags.ts';
import { resolveRun, type Overrides, type RunConfig } from '../run-config.ts';
import type { Scenario } from '../scenario.ts';
import { DEFAULT_STRATEGY } from '../strategies/names.ts';
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
import { intFlag, seedFlag } from './options.ts';
import type { CommandIO } from './run-command.ts';
import { scenarioByNameOrPath } from '../scenario-file.ts';
import { replayLine } from './replay-line.ts';
import { strategyFlag } from './strategy-flag.ts';
import { UsageError } from '../errors.ts';

export const QUALIFY_FLAGS = {
  ...TARGET_FLAGS,
  scenario: { type: 'string', multiple: true },
  runs: { type: 'string' },
  seed: { type: 'string' },
  strategy: { type: 'string' },
  'max-events': { type: 'string' },
  workers: { type: 'string' },
  compare: { type: 'string' },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

export async function qualifyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandFlags(argv, QUALIFY_FLAGS);
  const target = values.target ?? 'sim';
  if (values['client-cmd'] !== undefined)
    throw new UsageError("qualify judges the corpus's own clients: use run --client-cmd for a program of yours");
  const strategy = strategyFlag(values.strategy) ?? DEFAULT_STRATEGY;
  const maxEvents =
    values['max-events'] !== undefined ? intFlag(values['max-events'], 'max-events', 0, 1, 200) : undefined;
  const options: ExploreOptions = {
    runs: intFlag(values.runs, 'runs', defaultRuns(values), 1, 10_000_000),
    seed: seedFlag(values.seed),
    strategy,
    ...(maxEvents !== undefined ? { maxEvents } : {}),
  };
  const { configs, skipped } = runnableConfigs(
    (values.scenario?.map(scenarioByNameOrPath) ?? SCENARIOS).map((s) => resolveRun(s)),
    values,
    values.scenario !== undefined,
  );
  const compare = values.compare !== undefined ? compareFlag(values.compare) : undefined;
  const explorations = configs.length * (compare ? 2 : 1);
  const { explorer, close } = await openTarget(
    values,
    workersFlag(values.workers, values, explorations * options.runs),
  );
  try {
    if (compare) {
      const report = await compareControllers(
        configs.map((c) => c.scenario),
        compare,
        explorer,
        options,
        target,
        io,
      );
      io.out(values.json ? JSON.stringify(compareJson(report)) : formatCompare(report));
      return report.verdict === 'pass' ? 0 : 1;
    }
    const qualified = [];
    for (const config of configs) {
      io.log.info(
        { scenario: config.scenario.name, target, runs: options.runs, seed: options.seed, strategy },
        'qualifying',
      );
      const result = await explorer(config, options);
      qualified.push(
        qualifyScenario(config, result, (f) => replayLine(config, f, { maxEvents, strategy, target: values })),
      );
    }
    const report: QualifyReport = {
      verdict: qualifyVerdict(qualified),
      target,
      strategy,
      runs: options.runs,
      seed: options.seed,
      scenarios: qualified,
    };
    io.out(
      values.json
        ? JSON.stringify(qualifyJson(report))
        : formatQualifyMatrix(report) + skipped.map((s) => `\nSkipped ${s}.`).join(''),
    );
    return report.verdict === 'pass' ? 0 : 1;
  } finally {
    await close();
  }
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
  scenarios: readonly Scenario[],
  [older, newer]: [string, string],
  explorer: Explorer,
  options: ExploreOptions,
  target: string,
  io: CommandIO,
): Promise<CompareReport> {
  const compared = [];
  for (const scenario of scenarios) {
    // Each scenario's client and event mix against each controller, as `run --controller` does it.
    const [oldConfig, newConfig] = [older, newer].map((controller): RunConfig =>
      resolveRun(scenario, { controller } satisfies Overrides),
    );
    io.log.info({ scenario: scenario.name, old: older, new: newer }, 'comparing');
    compared.push(
      compareScenario(scenario.name, await explorer(oldConfig!, options), await explorer(newConfig!, options)),
    );
  }
  return { verdict: compareVerdict(compared), old: older, new: newer, target, seed: options.seed, scenarios: compared };
}
