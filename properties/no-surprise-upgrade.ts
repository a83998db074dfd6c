import type { History } from '../harness/history.ts';
import type { Property, Violation } from './property.ts';

const NAME = 'no-surprise-upgrade';

/**
 * no-surprise-upgrade (lp:1455260 option 2.B: no implicit upgrades): the controller's version
 * changes only after an explicit upgrade request. Every `version` record (from -> to) must be
 * preceded by an `upgrade-requested` record with `explicit: true`, no `refused`, and `chosen`
 * equal to `to`; each such request licenses at most one version change. An implicit request
 * (`explicit: false`) licenses nothing. One violation per unlicensed `version` record.
 */
export const noSurpriseUpgrade: Property = {
  name: NAME,
  summary: 'the version changes only after an explicit upgrade request chose it',
  check(history: History): Violation[] {
    const violations: Violation[] = [];
    const licences = new Map<string, number>(); // chosen version -> unused explicit requests
    const implicit = new Set<string>(); // versions an implicit request chose, for the message
    for (const r of history) {
      if (r.type === 'upgrade-requested') {
        if (r.chosen === undefined || r.refused !== undefined) continue;
        if (r.explicit) licences.set(r.chosen, (licences.get(r.chosen) ?? 0) + 1);
        else implicit.add(r.chosen);
      } else if (r.type === 'version') {
        const unused = licences.get(r.to) ?? 0;
        if (unused > 0) {
          licences.set(r.to, unused - 1);
          continue;
        }
        violations.push({
          property: NAME,
          t: r.t,
          message:
            `version changed ${r.from} -> ${r.to} without an explicit upgrade request choosing ${r.to}` +
            (implicit.has(r.to) ? ' (only an implicit upgrade chose it)' : ''),
        });
      }
    }
    return violations;
  },
};
