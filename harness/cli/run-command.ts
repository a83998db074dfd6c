/**
 * `upgrade-chaos run`: with --scenario, plain property semantics (exit 1 if any claimed property is
 * violated); without, every built-in scenario, each verdict compared with its expectation (exit 0
 * when all match).
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { ExploreResult, Failure } from '../explore-result.ts';
import { replayLine } from './replay-line.ts';
import {
  defaultRuns,
  openTarget,
  parseCommandFlags,
  runnableConfigs,
  TARGET_FLAGS,
  workersFlag,
} from './target-flags.ts';
import { saveFailure } from '../failure-file.ts';
import { scenarioByNameOrPath } from '../scenario-file.ts';
import { resolveRun, type Overrides, type RunConfig } from '../run-config.ts';
import type { Verdict } from '../scenario.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { formatFailure, formatSummary } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import { formatCoverage } from '../../reports/coverage.ts';
import { intFlag, seedFlag } from './options.ts';
import { strategyFlag } from './strategy-flag.ts';
import { UsageError } from '../errors.ts';

export const RUN_FLAGS = {
  ...TARGET_FLAGS,
  scenario: { type: 'string' },
  controller: { type: 'string' },
  client: { type: 'string' },
  property: { type: 'string', multiple: true },
  runs: { type: 'string' },
  seed: { type: 'string' },
  'max-events': { type: 'string' },
  strategy: { type: 'string' },
  'time-limit': { type: 'string' },
  'check-determinism': { type: 'boolean' },
  workers: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  coverage: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

export interface CommandIO {
  out: (text: string) => void;
  log: Logger;
}

export async function runCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandFlags(argv, RUN_FLAGS);
  if (values['check-determinism'] && (values.target ?? 'sim') !== 'sim') {
    throw new UsageError(
      '--check-determinism needs the sim: real targets are not deterministic (replay --repeat N says how often a failure comes back)',
    );
  }
  const overrides: Overrides = {
    ...(values.controller !== undefined ? { controller: values.controller } : {}),
    ...(values.client !== undefined ? { client: values.client } : {}),
    ...(values.property !== undefined ? { properties: values.property } : {}),
  };
  const maxEvents =
    values['max-events'] !== undefined ? intFlag(values['max-events'], 'max-events', 0, 1, 200) : undefined;
  const strategy = strategyFlag(values.strategy);
  const options = {
    ...(strategy !== undefined ? { strategy } : {}),
    runs: intFlag(values.runs, 'runs', defaultRuns(values), 1, 10_000_000),
    seed: seedFlag(values.seed),
    ...(maxEvents !== undefined ? { maxEvents } : {}),
    ...(values['time-limit'] !== undefined
      ? { timeLimitMs: intFlag(values['time-limit'], 'time-limit', 0, 1) * 1000 }
      : {}),
    checkDeterminism: values['check-determinism'] ?? false,
    coverage: values.coverage ?? false,
  };
  const outDir = values.out ?? 'upgrade-chaos-results';
  const scenarios = values.scenario !== undefined ? [scenarioByNameOrPath(values.scenario)] : SCENARIOS;
  const { configs, skipped } = runnableConfigs(
    scenarios.map((s) => resolveRun(s, overrides)),
    values,
    values.scenario !== undefined,
  );

  const replay = (config: RunConfig) => (f: Failure) =>
    replayLine(config, f, { overrides, maxEvents, strategy, target: values });
  const workers = workersFlag(values.workers, values, configs.length * options.runs);
  const { target, explorer, close } = await openTarget(values, workers);
  const results: { config: RunConfig; result: ExploreResult; mismatches: string[] }[] = [];
  try {
    for (const config of configs) {
      io.log.info(
        { scenario: config.scenario.name, target: target.name, runs: options.runs, seed: options.seed },
        'exploring',
      );
      const result = await explorer(config, options);
      const mismatches = values.scenario !== undefined ? [] : compareExpectations(config, result);
      results.push({ config, result, mismatches });
      if (!values.json)
        io.out(humanReport(config, result, mismatches, replay(config), outDir, values.scenario === undefined));
      else for (const f of result.failures) saveFailure(outDir, config, f);
    }
  } finally {
    await close();
  }

  if (values.json) {
    if (values.scenario !== undefined) {
      const { config, result } = soleResult(results);
      io.out(JSON.stringify(runJson(result, replay(config))));
    } else {
      io.out(
        JSON.stringify({
          verdict: results.every((r) => r.mismatches.length === 0) ? 'pass' : 'fail',
          seed: options.seed,
          scenarios: results.map(({ config, result, mismatches }) => ({
            ...runJson(result, replay(config)),
            expected: config.scenario.expect,
            mismatches,
          })),
          skipped,
        }),
      );
    }
  }
  if (values.scenario !== undefined) return soleResult(results).result.verdict === 'pass' ? 0 : 1;
  const allMatch = results.every((r) => r.mismatches.length === 0);
  if (!values.json) {
    for (const s of skipped) io.out(`Skipped ${s}.`);
    io.out(
      allMatch
        ? "All verdicts match the scenarios' expectations."
        : 'Some verdicts differ from the expectations (see above).',
    );
  }
  return allMatch ? 0 : 1;
}

function compareExpectations(config: RunConfig, result: ExploreResult): string[] {
  const mismatches: string[] = [];
  for (const outcome of result.properties) {
    const expected: Verdict | undefined = config.scenario.expect[outcome.property];
    const observed = outcome.verdict; // unknown never matches an expectation
    if (expected !== undefined && expected !== observed)
      mismatches.push(`${outcome.property}: expected ${expected}, observed ${observed}`);
  }
  return mismatches;
}

function humanReport(
  config: RunConfig,
  result: ExploreResult,
  mismatches: string[],
  replay: (f: Failure) => string,
  outDir: string,
  expectations: boolean,
): string {
  const lines = [
    `━━ ${config.scenario.name} (${config.controller.name} × ${config.client.name}) ━━`,
    config.scenario.summary,
    '',
  ];
  for (const f of result.failures) {
    lines.push(formatFailure(f, replay(f), saveFailure(outDir, config, f)), '');
  }
  lines.push(formatSummary(result));
  if (result.coverage) lines.push(formatCoverage(result.coverage));
  if (expectations) {
    for (const o of result.properties) {
      const expected = config.scenario.expect[o.property];
      const observed = o.verdict;
      lines.push(
        `  ${expected === observed ? '✓' : '✗'} ${o.property.padEnd(24)} expected ${expected ?? '-'}, observed ${observed}${o.firstFailureRun ? ` (first at run ${o.firstFailureRun})` : ''}`,
      );
    }
    if (mismatches.length) lines.push(`  MISMATCH: ${mismatches.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}

/** The one result of a `--scenario` run. */
function soleResult<T>(results: readonly T[]): T {
  const [only] = results;
  assert(only !== undefined && results.length === 1, '--scenario names one scenario (a skipped one is a usage error)');
  return only;
}
