/** The built-in scenario corpus. */
import type { Scenario } from '../harness/scenario.ts';
import { juju122ImplicitUpgrade } from './juju-1.22-implicit-upgrade.ts';
import { juju124GatedApi } from './juju-1.24-gated-api.ts';

export const SCENARIOS: readonly Scenario[] = [juju122ImplicitUpgrade, juju124GatedApi];

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
