/**
 * What one exploration runs: a scenario with its controller and client profiles resolved, and the
 * properties to judge. `--controller`, `--client` and `--property` override the scenario's.
 */
import { clientProfile, CLIENT_PROFILES } from './clients/profiles.ts';
import type { ClientProfile } from './clients/client.ts';
import { controllerProfile, CONTROLLER_PROFILES, type ControllerProfile } from './controller/profile.ts';
import type { Controller, ControllerDeps } from './controller/controller.ts';
import type { RunParams } from './history.ts';
import { isVersion } from './controller/version.ts';
import type { Scenario } from './scenario.ts';
import { UsageError } from './errors.ts';
import { clientName, type WeightKey } from './plan.ts';
import { isPropertyName, PROPERTY_NAMES, type PropertyName } from '../properties/property.ts';

export interface RunConfig {
  scenario: Scenario;
  controller: ControllerProfile;
  client: ClientProfile;
  properties: readonly PropertyName[];
  /** A variant of the controller model to run instead of Controller, on the sim only: the bench
   *  plants its deep bugs this way (bench/deep-bugs/), never the product. */
  model?: (deps: ControllerDeps) => Controller;
}

export interface Overrides {
  controller?: string;
  client?: string;
  properties?: readonly string[];
}

/** Where a bad name came from, as other scenario-file errors say it: the file and its key (nothing
 *  when a flag named it, or the scenario is built in). */
function fromFile(scenario: Scenario, override: string | undefined, key: string): string {
  return override === undefined && scenario.source !== undefined ? `scenario file ${scenario.source}: "${key}": ` : '';
}

/**
 * `clientCommand`: a --client-cmd program plays the client. A program (that, or a client profile
 * that is a program of its own, as python-libjuju's) is one client, client-0, whatever the scenario
 * says: the live run hands it every client event, so its plans are drawn for one client, and print
 * as what runs. Nor are they drawn with the events a program cannot obey (PROGRAM_CANNOT): such an
 * event would do nothing in every run, and shrunk plans would keep it.
 */
export function resolveRun(scenario: Scenario, overrides: Overrides = {}, clientCommand?: string): RunConfig {
  const controllerName = overrides.controller ?? scenario.controller;
  const base = controllerProfile(controllerName);
  if (!base) {
    throw new UsageError(
      `${fromFile(scenario, overrides.controller, 'controller')}unknown controller profile "${controllerName}" (known: ${CONTROLLER_PROFILES.map((p) => p.name).join(', ')})`,
    );
  }
  const clientNameValue = overrides.client ?? scenario.client;
  const client = clientProfile(clientNameValue);
  if (!client)
    throw new UsageError(
      `${fromFile(scenario, overrides.client, 'client')}unknown client profile "${clientNameValue}" (known: ${CLIENT_PROFILES.map((p) => p.name).join(', ')})`,
    );
  const properties = overrides.properties?.length ? overrides.properties : Object.keys(scenario.expect);
  for (const p of properties) {
    if (!isPropertyName(p)) throw new UsageError(`unknown property "${p}" (known: ${PROPERTY_NAMES.join(', ')})`);
  }
  if (properties.includes('version-as-tested') && scenario.testedVersion === undefined)
    throw new UsageError(
      `version-as-tested needs a tested version, and scenario ${scenario.name} declares none (its "testedVersion")`,
    );
  // The scenario's changes (a pinned agent-version, other streams) are the operator's set-up: they
  // apply to whichever release runs it, so --controller and qualify --compare test that release as
  // the scenario configures it (a pin dropped would fail no-surprise-upgrade on any release).
  const controller = withChanges(base, scenario.controllerChanges ?? {}, scenario.name);
  const program = clientCommand !== undefined || client.command !== undefined;
  const played = program ? forProgram(scenario) : scenario;
  return { scenario: played, controller, client, properties: properties as PropertyName[] };
}

/** What a program is never asked to do: it deploys a bundle and follows it as it sees fit, so
 *  "restart your watcher" would be recorded as not applied. A `remove` is drawn: in a program's run
 *  the operator removes an application of their own (controller/operator.ts), which the program
 *  must drop from its view. */
export const PROGRAM_CANNOT = ['rewatch'] as const satisfies readonly WeightKey[];

/**
 * The scenario as a program plays it: one client, no event it cannot obey, and the operator's
 * removals tied to its login after a lost watcher (`remove-on-activity`) drawn as often as the
 * plain ones, unless the scenario weighs them itself: a removal that lands while the program is away
 * is told only by its next watcher's snapshot, which a view merged rather than replaced keeps as a
 * ghost, and a timed removal seldom finds that gap.
 */
function forProgram(scenario: Scenario): Scenario {
  const weights = { ...scenario.weights };
  for (const k of PROGRAM_CANNOT) if (weights[k]) weights[k] = 0;
  if (weights.remove && weights['remove-on-activity'] === undefined) weights['remove-on-activity'] = weights.remove;
  const same = Object.entries(weights).every(([k, w]) => scenario.weights[k as WeightKey] === w);
  if (scenario.clients === 1 && same) return scenario; // resolving a recorded scenario again
  return { ...scenario, clients: 1, weights };
}

export function runParamsFor(config: RunConfig): RunParams {
  const s = config.scenario;
  // Every sim run starts here: a plain loop and two literals (the same key order, hence the same
  // JSON) rather than Array.from and a spread.
  const clients: string[] = [];
  for (let i = 0; i < s.clients; i++) clients.push(clientName(i));
  const resumeDeadlineMs = s.deadlines.resumeMs;
  const requestDeadlineMs = s.deadlines.requestMs;
  return s.testedVersion !== undefined
    ? { clients, testedVersion: s.testedVersion, resumeDeadlineMs, requestDeadlineMs }
    : { clients, resumeDeadlineMs, requestDeadlineMs };
}

/** A profile with a scenario's changes, each checked against the field it replaces. */
function withChanges(base: ControllerProfile, changes: Record<string, unknown>, scenario: string): ControllerProfile {
  for (const [key, value] of Object.entries(changes)) {
    const current: unknown = (base as unknown as Record<string, unknown>)[key];
    const ok =
      key === 'agentVersionPin'
        ? typeof value === 'string' && isVersion(value)
        : key in base &&
          key !== 'name' &&
          typeof value === typeof current &&
          Array.isArray(value) === Array.isArray(current);
    if (!ok)
      throw new UsageError(
        `scenario ${scenario}: controllerChanges.${key} ${key in base || key === 'agentVersionPin' ? 'has the wrong type' : 'is not a controller profile field'}`,
      );
  }
  return { ...base, ...changes } as ControllerProfile;
}
