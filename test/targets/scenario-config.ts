/** The target tests' one way to a run configuration: a built-in scenario by name, resolved. */
import { resolveRun, type RunConfig } from '../../harness/run-config.ts';
import type { Scenario } from '../../harness/scenario.ts';
import { scenarioByName } from '../../scenarios/index.ts';

/** Scenario `name`, resolved as `run --scenario name` resolves it; `deadlines` replace some of its own. */
export function configOf(name: string, deadlines: Partial<Scenario['deadlines']> = {}): RunConfig {
  const scenario = scenarioByName(name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return resolveRun({ ...scenario, deadlines: { ...scenario.deadlines, ...deadlines } });
}
