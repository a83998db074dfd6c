import type { History } from '../harness/history.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';
import { UPGRADE_TRACKER_READS, UpgradeTracker } from './upgrade-tracker.ts';

const NAME = 'version-as-tested';

/** The version changes and the upgrade requests. */
const READS = new Selection([...UPGRADE_TRACKER_READS, 'upgrade-requested']);

/**
 * version-as-tested (what lp:1455260's workarounds A and B try to get): when
 * `params.testedVersion` is set, the controller never runs another version, except exactly the
 * target of an explicit upgrade. The controller runs a version at `bootstrap` (version), then at
 * each version change upgrade-tracker.ts reads from `agent-up`, `version` and `final-model`. Allowed: testedVersion, plus, for every
 * earlier `upgrade-requested` with `explicit: true` and no `refused`, its `requested` version if
 * present, else its `chosen` one. So an `--upload-tools` upgrade that requested 1.22.5 and landed
 * on 1.23-beta1.1 violates, and so does an implicit upgrade. One violation each time the running
 * version changes to a version not allowed (a restart into the same version is not reported
 * again). Holds trivially when testedVersion is not set.
 */
export const versionAsTested: Property = {
  name: NAME,
  summary: 'the controller runs only the tested version or the exact target of an explicit upgrade',
  cannotJudge: (history) => {
    const index = HistoryIndex.of(history);
    return index.params.testedVersion === undefined ? undefined : index.controllerUnseen;
  },
  check(history: History): Violation[] {
    const tested = HistoryIndex.of(history).params.testedVersion;
    if (tested === undefined) return [];
    const allowed = new Set([tested]);
    const violations: Violation[] = [];
    let running: string | undefined;
    const runs = (t: number, version: string, how: string): void => {
      if (version === running) return;
      running = version;
      if (allowed.has(version)) return;
      violations.push({
        property: NAME,
        t,
        message:
          `controller runs ${version} (${how}), not the tested ${tested}` +
          (allowed.size > 1 ? ` nor an explicit upgrade target (${[...allowed].slice(1).join(', ')})` : ''),
      });
    };
    const tracker = new UpgradeTracker();
    for (const r of HistoryIndex.of(history).select(READS)) {
      const change = tracker.observe(r);
      switch (r.type) {
        case 'upgrade-requested': {
          const target = r.requested ?? r.chosen;
          if (r.explicit && r.refused === undefined && target !== undefined) allowed.add(target);
          break;
        }
        case 'bootstrap':
          runs(r.t, r.version, 'bootstrap');
          break;
      }
      if (change)
        runs(
          change.t,
          change.to,
          change.seenIn === 'version' ? `version ${change.from} -> ${change.to}` : change.seenIn,
        );
    }
    return violations;
  },
};
