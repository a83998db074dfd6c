/**
 * A property is a named invariant over a history: a pure function history -> violations. It never
 * touches a target, so the same property judges the sim, a process, a container or a lab controller.
 */
import type { History } from '../harness/history.ts';

export const PROPERTY_NAMES = [
  'no-work-before-upgrade',
  'watchers-resume',
  'deployments-complete',
  'requests-settle',
  'version-as-tested',
  'no-surprise-upgrade',
  'no-lost-work',
] as const;

export type PropertyName = (typeof PROPERTY_NAMES)[number];

export interface Violation {
  property: PropertyName;
  /** When the violation happened (or became certain), in the history's time. */
  t: number;
  message: string;
  client?: string;
}

export interface Property {
  name: PropertyName;
  /** One line, for `upgrade-chaos scenarios` and reports. */
  summary: string;
  check(history: History): Violation[];
}

export function isPropertyName(name: string): name is PropertyName {
  return (PROPERTY_NAMES as readonly string[]).includes(name);
}
