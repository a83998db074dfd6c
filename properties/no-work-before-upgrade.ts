import type { History } from '../harness/history.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';
import { UPGRADE_TRACKER_READS, UpgradeTracker } from './upgrade-tracker.ts';

const NAME = 'no-work-before-upgrade';

/**
 * The calls that make the controller do work. Session, read-only and watcher calls (Admin.Login,
 * Client.FullStatus, Pinger.Ping, Client.WatchAll, AllWatcher.Next/Stop) and the upgrade request
 * itself (ModelUpgrader.UpgradeModel) are not work.
 */
export const WORK_CALLS: ReadonlySet<string> = new Set([
  'Application.Deploy',
  'Application.DeployFromRepository',
  'Application.AddUnits',
  'Application.SetConfig',
  'Application.Destroy',
  'Application.DestroyApplication',
]);

/** The work calls that create an application's units. */
const DEPLOYS: ReadonlySet<string> = new Set(['Application.Deploy', 'Application.DeployFromRepository']);

/** `wp/0` -> `wp`. */
const appOf = (unit: string): string => unit.slice(0, unit.lastIndexOf('/'));

/** What the upgrade windows are read from, and what may work inside one (every work call is the
 *  Application facade's). */
const READS = new Selection([...UPGRADE_TRACKER_READS, 'hook-start', 'unit-status', 'request'], {
  applicationRequestsOnly: true,
});

/**
 * no-work-before-upgrade (the fix for lp:1455260, option 2.A): while an upgrade is pending or
 * running, nothing works. An upgrade is pending or running inside an upgrade window as
 * upgrade-tracker.ts reads it from every record that shows one (from `upgrade-pending`, or else the
 * first `download`, upgrade `agent-down`, `upgrade-steps` or version change, until the next
 * `upgrade-end`); a run may hold several windows. Inside one:
 * - a controller-side `request` with `accepted: true` whose `facade.method` is in WORK_CALLS is a
 *   violation (refused requests are what we want; non-work calls may be accepted);
 * - a `hook-start` on any unit is a violation (a charm must not be installing while the agent
 *   is replaced under it), except one that carries on a unit's hooks begun before the window
 *   opened and not yet done (the unit not yet active: a unit that had settled and starts a hook
 *   again is new work), while the upgrade is still only pending (its agent not yet gone down for it: no
 *   `agent-down` 'upgrade', `upgrade-steps` or `agent-up` in the window). That is work accepted
 *   before anyone asked for the upgrade, not work begun during it: Juju 2.x and 3.x serve agents
 *   as usual until the controller restarts (apiserver restrictAPIRootDuringMaintenance blocks
 *   agent logins only while the upgrade steps run), so a unit deployed before an explicit upgrade
 *   goes on through its hooks while the new agent downloads. Once the agent restarted for the
 *   upgrade, every hook start is a violation again.
 * - In a run whose client is the user's --client-cmd program (run-start `params.clientUnderTest`), which
 *   is judged on this property as the client, not the controller: a hook of an application whose latest Deploy
 *   was accepted with no upgrade pending or running is not a violation, whenever it runs. The upgrade
 *   was asked (by the plan, or the controller itself) after the program's deploy was done right, and
 *   running that unit's hooks (update-status included) through it is the controller's doing alone,
 *   which the program cannot prevent (trial 13: careful.mjs failed for a 1.23.0 upgrade asked 46 ms
 *   after its Deploy was accepted, for an update-status hook the controller started). A built-in
 *   client's run (a profile that is a program of its own, python-libjuju's, included) judges the
 *   controller too, and stays as it was.
 * One violation per offending record, at its time, naming the call or hook and the upgrade.
 * Without controller-side records (an external controller) it cannot judge: unknown.
 */
export const noWorkBeforeUpgrade: Property = {
  name: NAME,
  summary: 'no work call is accepted and no hook starts while an upgrade is pending or running',
  cannotJudge: (history) => HistoryIndex.of(history).controllerUnseen,
  check(history: History): Violation[] {
    const violations: Violation[] = [];
    const tracker = new UpgradeTracker();
    const firstHook = new Map<string, number>(); // unit -> when its first hook started
    const settled = new Set<string>(); // units whose workload has been active: their hooks are done
    const index = HistoryIndex.of(history);
    const clientUnderTest = index.params.clientUnderTest === true;
    const deployedOutside = new Set<string>(); // apps whose latest Deploy was accepted with no upgrade open
    let restarted = false; // the agent went down for the upgrade in the open window
    for (const r of index.select(READS)) {
      tracker.observe(r);
      if (r.type === 'hook-start' && !firstHook.has(r.unit)) firstHook.set(r.unit, r.t);
      if (r.type === 'unit-status' && r.workload === 'active') settled.add(r.unit);
      if (r.type === 'request' && r.accepted && DEPLOYS.has(`${r.facade}.${r.method}`))
        for (const app of r.apps ?? []) {
          if (tracker.window) deployedOutside.delete(app);
          else deployedOutside.add(app);
        }
      if (!tracker.window) {
        restarted = false;
        continue; // no upgrade pending or running
      }
      if (r.type === 'upgrade-steps' || r.type === 'agent-up' || (r.type === 'agent-down' && r.reason === 'upgrade'))
        restarted = true;
      switch (r.type) {
        case 'request': {
          if (!r.accepted) break;
          const call = `${r.facade}.${r.method}`;
          if (!WORK_CALLS.has(call)) break;
          violations.push({
            property: NAME,
            t: r.t,
            client: r.client,
            message: `${call} from ${r.client} (conn ${r.conn}) accepted during upgrade ${tracker.describeWindow()}`,
          });
          break;
        }
        case 'hook-start':
          if (clientUnderTest && deployedOutside.has(appOf(r.unit))) break; // the controller's doing alone
          if (!restarted && !settled.has(r.unit) && firstHook.get(r.unit)! < tracker.window.since) break; // begun before
          violations.push({
            property: NAME,
            t: r.t,
            message: `hook ${r.hook} of ${r.unit} started during upgrade ${tracker.describeWindow()}`,
          });
          break;
      }
    }
    return violations;
  },
};
