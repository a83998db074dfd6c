/**
 * `upgrade-chaos run`: with --scenario, plain property semantics (exit 1 if any claimed property is
 * violated); without, every built-in scenario, each verdict compared with its expectation (exit 0
 * when all match).
 */
import type { Logger } from 'pino';
import { explore, type ExploreResult, type Failure } from '../explore.ts';
import { saveFailure } from '../failure-file.ts';
import { isScenarioPath, loadScenarioFile } from '../scenario-file.ts';
import { resolveRun, UsageError, type Overrides, type RunConfig } from '../run-config.ts';
import type { Scenario, Verdict } from '../scenario.ts';
import { SCENARIOS, scenarioByName } from '../../scenarios/index.ts';
import { formatFailure, formatSummary } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import { intFlag, parseFlags, seedFlag } from './options.ts';
import { strategyFlag } from './strategy-flag.ts';
import { DEFAULT_STRATEGY, type StrategyName } from '../strategies/names.ts';

export const RUN_FLAGS = {
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
  target: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

export interface CommandIO {
  out: (text: string) => void;
  log: Logger;
}

/** A built-in scenario by name, or a scenario file by path. */
export function scenarioOrExit(name: string): Scenario {
  if (isScenarioPath(name)) return loadScenarioFile(name);
  const scenario = scenarioByName(name);
  if (!scenario) throw new UsageError(`unknown scenario "${name}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  return scenario;
}

/** The command that replays a failure exactly. */
export function replayCommand(
  config: RunConfig, overrides: Overrides, maxEvents: number | undefined, f: Failure, strategy: StrategyName = DEFAULT_STRATEGY,
): string {
  const parts = ['npx upgrade-chaos replay', `--scenario ${config.scenario.source ?? config.scenario.name}`];
  if (overrides.controller) parts.push(`--controller ${overrides.controller}`);
  if (overrides.client) parts.push(`--client ${overrides.client}`);
  if (maxEvents !== undefined) parts.push(`--max-events ${maxEvents}`);
  if (strategy !== DEFAULT_STRATEGY) parts.push(`--strategy ${strategy}`);
  parts.push(`--property ${f.property}`, `--seed ${f.seed}`, `--path "${f.path}"`);
  return parts.join(' ');
}

export function runCommand(argv: string[], io: CommandIO): number {
  const { values } = parseFlags(argv, RUN_FLAGS);
  if (values.target !== undefined && values.target !== 'sim') {
    throw new UsageError(`--target ${values.target} is not available in this build (known: sim)`);
  }
  const overrides: Overrides = {
    ...(values.controller !== undefined ? { controller: values.controller } : {}),
    ...(values.client !== undefined ? { client: values.client } : {}),
    ...(values.property !== undefined ? { properties: values.property } : {}),
  };
  const maxEvents = values['max-events'] !== undefined ? intFlag(values['max-events'], 'max-events', 0, 1, 200) : undefined;
  const strategy = strategyFlag(values.strategy);
  const options = {
    ...(strategy !== undefined ? { strategy } : {}),
    runs: intFlag(values.runs, 'runs', 1000, 1, 10_000_000),
    seed: seedFlag(values.seed),
    ...(maxEvents !== undefined ? { maxEvents } : {}),
    ...(values['time-limit'] !== undefined ? { timeLimitMs: intFlag(values['time-limit'], 'time-limit', 0, 1) * 1000 } : {}),
    checkDeterminism: values['check-determinism'] ?? false,
  };
  const outDir = values.out ?? 'upgrade-chaos-results';
  const scenarios = values.scenario !== undefined ? [scenarioOrExit(values.scenario)] : SCENARIOS;
  const configs = scenarios.map((s) => resolveRun(s, overrides));

  const results: { config: RunConfig; result: ExploreResult; mismatches: string[] }[] = [];
  for (const config of configs) {
    io.log.info({ scenario: config.scenario.name, runs: options.runs, seed: options.seed }, 'exploring');
    const result = explore(config, options);
    const mismatches = values.scenario !== undefined ? [] : compareExpectations(config, result);
    results.push({ config, result, mismatches });
    if (!values.json) io.out(humanReport(config, result, mismatches, overrides, maxEvents, strategy, outDir, values.scenario === undefined));
    else for (const f of result.failures) saveFailure(outDir, config, f);
  }

  if (values.json) {
    const replay = (config: RunConfig) => (f: Failure) => replayCommand(config, overrides, maxEvents, f, strategy);
    if (values.scenario !== undefined) {
      const { config, result } = results[0]!;
      io.out(JSON.stringify(runJson(result, replay(config))));
    } else {
      io.out(JSON.stringify({
        verdict: results.every((r) => r.mismatches.length === 0) ? 'pass' : 'fail',
        seed: options.seed,
        scenarios: results.map(({ config, result, mismatches }) => ({ ...runJson(result, replay(config)), expected: config.scenario.expect, mismatches })),
      }));
    }
  }
  if (values.scenario !== undefined) return results[0]!.result.verdict === 'pass' ? 0 : 1;
  const allMatch = results.every((r) => r.mismatches.length === 0);
  if (!values.json) io.out(allMatch ? 'All verdicts match the scenarios\' expectations.' : 'Some verdicts differ from the expectations (see above).');
  return allMatch ? 0 : 1;
}

function compareExpectations(config: RunConfig, result: ExploreResult): string[] {
  const mismatches: string[] = [];
  for (const outcome of result.properties) {
    const expected: Verdict | undefined = config.scenario.expect[outcome.property];
    const observed: Verdict = outcome.violated ? 'violated' : 'held';
    if (expected !== undefined && expected !== observed) mismatches.push(`${outcome.property}: expected ${expected}, observed ${observed}`);
  }
  return mismatches;
}

function humanReport(
  config: RunConfig, result: ExploreResult, mismatches: string[], overrides: Overrides, maxEvents: number | undefined,
  strategy: StrategyName | undefined,
  outDir: string, expectations: boolean,
): string {
  const lines = [`━━ ${config.scenario.name} (${config.controller.name} × ${config.client.name}) ━━`, config.scenario.summary, ''];
  for (const f of result.failures) {
    lines.push(formatFailure(f, replayCommand(config, overrides, maxEvents, f, strategy), saveFailure(outDir, config, f)), '');
  }
  lines.push(formatSummary(result));
  if (expectations) {
    for (const o of result.properties) {
      const expected = config.scenario.expect[o.property];
      const observed = o.violated ? 'violated' : 'held';
      lines.push(`  ${expected === observed ? '✓' : '✗'} ${o.property.padEnd(24)} expected ${expected ?? '-'}, observed ${observed}${o.firstFailureRun ? ` (first at run ${o.firstFailureRun})` : ''}`);
    }
    if (mismatches.length) lines.push(`  MISMATCH: ${mismatches.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}
