import type { History } from '../harness/history.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';
import { UPGRADE_TRACKER_READS, UpgradeTracker } from './upgrade-tracker.ts';

const NAME = 'no-surprise-upgrade';

/** The version changes and the upgrade requests. */
const READS = new Selection([...UPGRADE_TRACKER_READS, 'upgrade-requested']);

/**
 * no-surprise-upgrade (lp:1455260 option 2.B: no implicit upgrades): the controller's version
 * changes only after an explicit upgrade request. Version changes are read by upgrade-tracker.ts
 * from every record that shows one (`agent-up`, `version`, `final-model`), so a change with no
 * `version` record still counts. Every change (from -> to) must be preceded by an
 * `upgrade-requested` record with `explicit: true`, no `refused`, and `chosen` equal to `to`; each
 * such request licenses at most one version change. An implicit request (`explicit: false`)
 * licenses nothing. One violation per unlicensed change, at the record that first showed it.
 * Without controller-side records (an external controller) it cannot judge: unknown.
 */
export const noSurpriseUpgrade: Property = {
  name: NAME,
  summary: 'the version changes only after an explicit upgrade request chose it',
  cannotJudge: (history) => HistoryIndex.of(history).controllerUnseen,
  check(history: History): Violation[] {
    const violations: Violation[] = [];
    const licences = new Map<string, number>(); // chosen version -> unused explicit requests
    const implicit = new Set<string>(); // versions an implicit request chose, for the message
    const tracker = new UpgradeTracker();
    for (const r of HistoryIndex.of(history).select(READS)) {
      const change = tracker.observe(r);
      if (r.type === 'upgrade-requested') {
        if (r.chosen === undefined || r.refused !== undefined) continue;
        if (r.explicit) licences.set(r.chosen, (licences.get(r.chosen) ?? 0) + 1);
        else implicit.add(r.chosen);
      } else if (change) {
        const unused = licences.get(change.to) ?? 0;
        if (unused > 0) {
          licences.set(change.to, unused - 1);
          continue;
        }
        violations.push({
          property: NAME,
          t: change.t,
          message:
            `version changed ${change.from} -> ${change.to} without an explicit upgrade request choosing ${change.to}` +
            (implicit.has(change.to) ? ' (only an implicit upgrade chose it)' : ''),
        });
      }
    }
    return violations;
  },
};
