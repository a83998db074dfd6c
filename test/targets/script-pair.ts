/**
 * A buggy --client-cmd script and robust.mjs, played on one fixed plan at once, each on a process
 * target of its own (closed after the file's tests). What a fault at a named moment shows: the
 * buggy script caught, the robust one holding on the very same plan.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { runCase, type CaseRun } from '../../harness/targets/target.ts';

export const ROBUST_SCRIPT = 'node scenarios/clients/robust.mjs';

/** The scenario's config with every hook taking 20-30 s of model time: a script waiting for its
 *  units is still waiting seconds of real time after its deploy. */
export function withSlowHooks(c: RunConfig): RunConfig {
  return { ...c, controller: { ...c.controller, timing: { ...c.controller.timing, hookMs: [20_000, 30_000] } } };
}

/** Registers the two runs (beforeAll) and the targets' cleanup (afterAll); read the runs in tests. */
export function playScriptPair(options: { buggy: string; plan: Plan; config: RunConfig; timeScale: number }): {
  buggy: () => CaseRun;
  robust: () => CaseRun;
} {
  const targets: ProcessTarget[] = [];
  let runs: CaseRun[] = [];
  beforeAll(async () => {
    const play = async (command: string): Promise<CaseRun> => {
      const target = await createProcessTarget({ timeScale: options.timeScale, clientCommand: command });
      targets.push(target);
      return runCase(target, options.config, options.plan, 1);
    };
    runs = await Promise.all([play(options.buggy), play(ROBUST_SCRIPT)]);
  });
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });
  return { buggy: () => runs[0]!, robust: () => runs[1]! };
}
