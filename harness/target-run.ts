/**
 * One judged run on a real target, and the failure it shows: what the exploration on a real target
 * (explore-target.ts) and shrinking there (target-shrink.ts) share.
 */
import assert from 'node:assert/strict';
import type { CommandOutput } from './clients/command-client.ts';
import { historyHash } from './history.ts';
import type { Plan } from './plan.ts';
import type { RunConfig } from './run-config.ts';
import { judgeRun, type RunResult } from './runner.ts';
import { runCase, type RunHooks, type Target } from './targets/target.ts';
import type { PropertyName } from '../properties/index.ts';

/** A run's history and violations, with what a --client-cmd program printed. */
export type TargetRun = RunResult & { clientOutputs: CommandOutput[] };

/** The first violating case of a property: its 1-based index, and how many events it had. */
export type Found = { run: number; events: number };

/** A case with what it did on the target. */
export type Sample = { plan: Plan; simSeed: number; result: TargetRun };

/** One run, judged; undefined when an interrupt stopped it (it showed nothing to judge). */
export async function runOn(
  target: Target,
  config: RunConfig,
  plan: Plan,
  simSeed: number,
  hooks: RunHooks,
): Promise<TargetRun | undefined> {
  try {
    const { history, clientOutputs } = await runCase(target, config, plan, simSeed, hooks);
    return { ...judgeRun(history, config.properties), clientOutputs };
  } catch (e) {
    if (hooks.signal?.aborted) return undefined;
    throw e;
  }
}

/** `signal`, and each status line of a run in flight prefixed with which run it is. */
export function hooksOf(
  options: { signal?: AbortSignal | undefined; onStatus?: ((line: string) => void) | undefined },
  which: string,
): RunHooks {
  const { onStatus } = options;
  return { signal: options.signal, ...(onStatus ? { onStatus: (line: string) => onStatus(`${which}: ${line}`) } : {}) };
}

/** What a run on the target showed, as the failure of one property: its own violations only (the
 *  run of an exploration judged every property; a failure that shows it unshrunk names one). */
export function caseOf(
  property: PropertyName,
  result: TargetRun,
  at: { seed: number; path: string; events: number; plan: Plan; simSeed: number },
) {
  return {
    property,
    seed: at.seed,
    path: at.path,
    events: at.events,
    shrunkEvents: at.plan.length,
    plan: at.plan,
    simSeed: at.simSeed,
    historyHash: historyHash(result.history),
    violations: result.violations.filter((v) => v.property === property),
    history: result.history,
    shrinkMs: 0,
    clientOutputs: result.clientOutputs,
  };
}

/** The one property a shrinking config judges (shrinking goes one property at a time). */
export function soleProperty(only: RunConfig): PropertyName {
  const [property] = only.properties;
  assert(property !== undefined && only.properties.length === 1, 'shrinking judges one property at a time');
  return property;
}
