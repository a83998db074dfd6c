/**
 * `upgrade-chaos replay`: run one case again exactly, from `--seed` and `--path` (the case that
 * fast-check reached there) or from a saved failure file.
 */
import assert from 'node:assert/strict';
import { caseAtPath } from '../case-at-path.ts';
import type { Case } from '../strategies/index.ts';
import type { ExploreResult, Failure } from '../explore-result.ts';
import { checkPlan, loadFailureFile } from '../failure-file.ts';
import { historyHash } from '../history.ts';
import { resolveRun, type Overrides, type RunConfig } from '../run-config.ts';
import { judgeRun, type RunResult } from '../runner.ts';
import type { Plan } from '../plan.ts';
import { openTarget, parseCommandFlags, TARGET_FLAGS, type TargetFlagValues } from './target-flags.ts';
import { Limiter } from '../in-case-order.ts';
import { runCase } from '../targets/target.ts';
import type { PropertyName } from '../../properties/index.ts';
import { formatFailure } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import { formatTimeline } from '../../reports/timeline.ts';
import { intFlag, pathFlag, seedFlag } from './options.ts';
import type { CommandIO } from './run-command.ts';
import { scenarioByNameOrPath } from '../scenario-file.ts';
import { replayLine } from './replay-line.ts';
import { strategyFlag } from './strategy-flag.ts';
import { UsageError } from '../errors.ts';

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
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

export async function replayCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandFlags(argv, REPLAY_FLAGS, true);
  if (positionals.length > 1) throw new UsageError(`replay takes at most one failure file, got ${positionals.length}`);
  const file = values.file ?? positionals[0];
  let config: RunConfig;
  let overrides: Overrides;
  let testCase: Case;
  let seed: number;
  let path: string;
  let expectedHash: string | undefined;
  const maxEvents =
    values['max-events'] !== undefined ? intFlag(values['max-events'], 'max-events', 0, 1, 200) : undefined;
  const strategy = strategyFlag(values.strategy);

  if (file !== undefined) {
    const saved = loadFailureFile(file);
    overrides = { controller: saved.controller, client: saved.client, properties: values.property ?? [saved.property] };
    config = resolveRun(scenarioByNameOrPath(saved.scenario), overrides);
    checkPlan(saved.plan, config.scenario.clients);
    testCase = [saved.plan, saved.simSeed];
    seed = saved.seed;
    path = saved.path;
    expectedHash = saved.historyHash;
  } else {
    if (values.scenario === undefined)
      throw new UsageError('replay needs --scenario with --seed and --path, or a failure file');
    if (values.seed === undefined || values.path === undefined)
      throw new UsageError('replay needs both --seed and --path (as printed by run)');
    overrides = {
      ...(values.controller !== undefined ? { controller: values.controller } : {}),
      ...(values.client !== undefined ? { client: values.client } : {}),
      ...(values.property !== undefined ? { properties: values.property } : {}),
    };
    config = resolveRun(scenarioByNameOrPath(values.scenario), overrides);
    seed = seedFlag(values.seed);
    path = pathFlag(values.path)!;
    testCase = caseAtPath(config, {
      seed,
      path,
      ...(maxEvents !== undefined ? { maxEvents } : {}),
      ...(strategy !== undefined ? { strategy } : {}),
    });
  }

  const repeat = intFlag(values.repeat, 'repeat', 1, 1, 1000);
  const [plan, simSeed] = testCase;
  const start = performance.now();
  const { runs, shown, targetName } = await replayOn(values, config, plan, simSeed, repeat);
  const run = shown;
  const elapsedMs = Math.round(performance.now() - start);
  const failedRuns = runs.filter((r) => r.violations.length > 0).length;
  const reproduced = repeat > 1 || targetName !== 'sim' ? { runs: repeat, failed: failedRuns } : undefined;
  const hash = historyHash(run.history);
  const byProperty = new Map<PropertyName, Failure['violations']>();
  for (const v of run.violations) byProperty.set(v.property, [...(byProperty.get(v.property) ?? []), v]);
  const failures: Failure[] = [...byProperty].map(([property, violations]) => ({
    property,
    seed,
    path,
    events: plan.length,
    shrunkEvents: plan.length,
    plan,
    simSeed,
    historyHash: hash,
    violations,
    history: run.history,
    shrinkMs: 0,
    ...(reproduced ? { reproduced } : {}),
  }));
  const result: ExploreResult = {
    scenario: config.scenario.name,
    target: targetName,
    runs: repeat,
    seed,
    verdict: failures.length ? 'fail' : 'pass',
    runsPerSecond: Math.round((repeat * 1000) / Math.max(1, elapsedMs)),
    elapsedMs,
    properties: config.properties.map((property) => {
      const unknown = run.unknown.find((u) => u.property === property);
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
  const replay = (f: Failure) => replayLine(config, f, { overrides, maxEvents, strategy, target: values });
  if (values.json) {
    io.out(
      JSON.stringify({
        ...runJson(result, replay),
        historyHash: hash,
        ...(expectedHash ? { expectedHistoryHash: expectedHash } : {}),
      }),
    );
  } else {
    for (const f of failures) io.out(formatFailure(f, replay(f)) + '\n');
    for (const u of run.unknown) io.out(`? ${u.property} unknown: ${u.reason}`);
    if (failures.length === 0) {
      const verdict = run.unknown.length === 0 ? 'Every property held.' : 'No property was violated.';
      io.out(`${verdict}\nTimeline:\n${formatTimeline(run.history)}`);
    }
    if (reproduced) io.out(`Failed ${reproduced.failed} of ${reproduced.runs} runs on the ${targetName} target.`);
    io.out(
      `History hash ${hash}${expectedHash ? (expectedHash === hash ? ' (same as recorded)' : ` (DIFFERS from the recorded ${expectedHash})`) : ''}`,
    );
  }
  return failures.length ? 1 : 0;
}

/** Runs the case `repeat` times where the flags say; shows the first failing run (or the first). */
async function replayOn(values: TargetFlagValues, config: RunConfig, plan: Plan, simSeed: number, repeat: number) {
  const { target, concurrency, close } = await openTarget(values);
  try {
    // The repeats run in flight together (--concurrency of them at once); their order is kept.
    const limiter = new Limiter(concurrency);
    const runs: RunResult[] = await Promise.all(
      Array.from({ length: repeat }, () =>
        limiter.run(async () => judgeRun((await runCase(target, config, plan, simSeed)).history, config.properties)),
      ),
    );
    const shown = runs.find((r) => r.violations.length > 0) ?? runs[0];
    assert(shown, '--repeat is at least 1, so there is a run to show');
    return { runs, shown, targetName: target.name };
  } finally {
    await close();
  }
}
