/**
 * The properties, in PROPERTY_NAMES order (the seven of the bug report, the controller's
 * contract, then the clients'), and the one way to run a selection of them.
 */
import type { History } from '../harness/history.ts';
import { agentLifecycle } from './agent-lifecycle.ts';
import { HistoryIndex } from './history-index.ts';
import { appsAsAsked } from './apps-as-asked.ts';
import { charmAsAsked } from './charm-as-asked.ts';
import { deploymentsComplete } from './deployments-complete.ts';
import { noLostWork } from './no-lost-work.ts';
import { noSurpriseUpgrade } from './no-surprise-upgrade.ts';
import { noWorkBeforeUpgrade } from './no-work-before-upgrade.ts';
import {
  judge,
  PROPERTY_NAMES,
  type Property,
  type PropertyName,
  type PropertyResult,
  type StallLoad,
  type Violation,
} from './property.ts';
import { reconnectBackoff } from './reconnect-backoff.ts';
import { requestsSettle } from './requests-settle.ts';
import { upgradeSequence } from './upgrade-sequence.ts';
import { versionAsTested } from './version-as-tested.ts';
import { watcherLifecycle } from './watcher-lifecycle.ts';
import { watchersResume } from './watchers-resume.ts';

export * from './property.ts';
export {
  agentLifecycle,
  appsAsAsked,
  charmAsAsked,
  deploymentsComplete,
  noLostWork,
  noSurpriseUpgrade,
  noWorkBeforeUpgrade,
  reconnectBackoff,
  requestsSettle,
  upgradeSequence,
  versionAsTested,
  watcherLifecycle,
  watchersResume,
};

const BY_NAME: ReadonlyMap<PropertyName, Property> = new Map(
  [
    noWorkBeforeUpgrade,
    watchersResume,
    deploymentsComplete,
    requestsSettle,
    versionAsTested,
    noSurpriseUpgrade,
    noLostWork,
    watcherLifecycle,
    agentLifecycle,
    upgradeSequence,
    reconnectBackoff,
    appsAsAsked,
    charmAsAsked,
  ].map((p) => [p.name, p]),
);

export const ALL_PROPERTIES: readonly Property[] = PROPERTY_NAMES.map(propertyByName);

/** The property with this name (validate user input with isPropertyName first). */
export function propertyByName(name: PropertyName): Property {
  const property = BY_NAME.get(name);
  if (!property) throw new Error(`no property named ${name}`); // only if a name was added without its file
  return property;
}

/** The properties of a list of names, the same array each time for the same list: exploration
 *  judges every case with one list. */
const NAMED = new WeakMap<readonly PropertyName[], readonly Property[]>();
function propertiesNamed(names: readonly PropertyName[]): readonly Property[] {
  let properties = NAMED.get(names);
  if (!properties) NAMED.set(names, (properties = names.map(propertyByName)));
  return properties;
}

/** Runs the named properties, in the order given: held, violated or unknown, each; with `load`, raises
 *  it to the stall load of the deadlines they decided on (StallLoad). */
export function judgeProperties(history: History, names: readonly PropertyName[], load?: StallLoad): PropertyResult[] {
  // Each property selects the records it reads from the history's one index (history-index.ts),
  // which is let go once they all have: it would keep the history alive into the next runs.
  const results = propertiesNamed(names).map((property) => judge(property, history, load));
  HistoryIndex.release(history);
  return results;
}

/** Runs the named properties, in the order given, and returns all their violations (a property
 *  that could not judge adds none: use judgeProperties to see it). */
export function checkProperties(history: History, names: readonly PropertyName[]): Violation[] {
  return names.flatMap((name) => propertyByName(name).check(history));
}

/** The violations among results. */
export function violationsOf(results: readonly PropertyResult[]): Violation[] {
  return results.flatMap((r) => (r.verdict === 'violated' ? r.violations : []));
}
