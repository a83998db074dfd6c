/**
 * The programmatic API, the same pieces the CLI is built on: scenarios, plan arbitraries, the
 * runner and the properties. A vitest test in a user's project can generate plans for a scenario
 * with fast-check and check the properties on each run's history.
 */
export { SCENARIOS, scenarioByName } from '../scenarios/index.ts';
export type { Scenario, Verdict, Deadlines } from './scenario.ts';
export { planArbitrary, eventArbitrary, withBootstrap, type PlanOptions } from './arbitraries.ts';
export { type Plan, type PlanEvent, formatPlan, timeline } from './plan.ts';
export { resolveRun, type RunConfig, type Overrides } from './run-config.ts';
export { UsageError, TargetError, NondeterminismError } from './errors.ts';
export { runSim, runSimChecked, type RunResult } from './runner.ts';
export { simulate } from './targets/sim/simulate.ts';
export { explore } from './explore.ts';
export { caseArbitrary } from './case-params.ts';
export { caseAtPath } from './case-at-path.ts';
export type { ExploreOptions, ExploreResult, Failure } from './explore-result.ts';
export { historyHash, type History, type HistoryRecord } from './history.ts';
export {
  ALL_PROPERTIES,
  checkProperties,
  propertyByName,
  PROPERTY_NAMES,
  type Property,
  type PropertyName,
  type Violation,
} from '../properties/index.ts';
export { CONTROLLER_PROFILES, controllerProfile, type ControllerProfile } from './controller/profile.ts';
export { CLIENT_PROFILES, clientProfile } from './clients/profiles.ts';
export type { Client, ClientEnv, ClientProfile } from './clients/client.ts';
export { formatTimeline } from '../reports/timeline.ts';
export {
  caseSource,
  STRATEGIES,
  STRATEGY_NAMES,
  type Case,
  type CaseSource,
  type StrategyName,
} from './strategies/index.ts';
export { openSim, type SimSession } from './targets/sim/simulate.ts';
export { createTarget, TARGET_NAMES, type TargetOptions } from './targets/index.ts';
export type { Target, TargetName } from './targets/target.ts';
export { exploreTarget, type TargetExploreOptions } from './explore-target.ts';
export { loadScenarioFile } from './scenario-file.ts';
