import type { History, RecordOf } from '../harness/history.ts';
import { formatMs } from '../harness/plan.ts';
import { count } from '../harness/plural.ts';
import type { ClientKey, ClientKeys } from './common.ts';
import { HistoryIndex, Selection, type DeployInvoke, type RemoveInvoke, type Report } from './history-index.ts';
import type { Property, Violation } from './property.ts';
import { allActiveWithin, reportedBeforeActive } from './reported-before-active.ts';
import { AVAILABILITY_READS, Availability } from './availability.ts';
import { stalledPastBudget, stalledWindow } from './stall.ts';

const NAME = 'deployments-complete';

/**
 * deployments-complete: at quiescence every application a client was asked to deploy exists with
 * all its units active, and the client reported success. For every client `invoke` with f 'deploy'
 * and value {app, units}:
 * - model (judged only when there is a `final-model` record): the final model must contain `app`
 *   with at least `units` units, every one of them (extra units included) with status 'active'.
 *   Violation at the final-model's time: "app absent", or "N of M units active" with the statuses,
 *   where M is the larger of the requested and the existing unit count;
 * - report: the same client must have an `ok` record with the same op. Violation at the report's
 *   time if it reported `fail` (with its error) or `info` (outcome unknown), or at the end of the
 *   history if it never reported.
 * - done only once active: a client may not declare success before the controller shows it. A
 *   deploy reported `ok` must have had, at some moment from its invoke to its `ok` (both included),
 *   at least `units` units of `app`, all of them with workload status 'active', in the
 *   controller's `unit-status` records (its status history of each unit). Else a violation at the
 *   report, with the statuses the controller held then: the script that exits once its deploy is
 *   accepted declares a success its deployment never reached (lp:1455260). "At some moment", not
 *   "at the report", as Jepsen judges an operation that took effect at some point inside it: a
 *   correct client (python-libjuju's `block_until` every unit active, or `wait_for_idle`) acts on
 *   the watcher's deltas, which follow the controller's change, and the units may change again
 *   before it reports. Judged only when the history holds controller-side records (an external
 *   controller's history has no statuses to compare with).
 * So one invoke yields zero to three violations.
 *
 * A deploy cut by a deadline that the plan left no fair chance to meet is not judged: when the
 * client's deadline `fail` came less than one resume deadline (RunParams.resumeDeadlineMs) after the
 * controller was last available to it again (its bootstrap, or the end of an agent restart, an
 * upgrade, a pause, a crash or the client's partition or slow link: availability.ts) after the invoke, or
 * when the client came back in time and the controller's own work (its units' hooks take tens of
 * seconds) ended just before the deadline (cutBeforeAFairChance). The deadline counts from the client's launch
 * (a program's from its first connection: clients/command-client.ts), and the plan may take the controller
 * away until just before it runs out: no client could deploy and see units active in what was left
 * (a python-libjuju-3.6 plan bootstrapped at t=84.4 s against a 90 s deadline; another partitioned
 * the client until 57.4 s, its units were active at 87.5 s and its exit was cut at 90.6 s). One
 * resume deadline is what the scenario allows a client to recover in once the controller is up; a
 * client given that and more that still misses its deadline is judged as before.
 *
 * A deployment taken back is exempt: when an `invoke` with f 'remove' of the same app (by any
 * client) was reported `ok` at or after the deploy's invoke, or the controller accepted it then
 * (a `request` of that client's that removed the app: a removal whose answer came too late for
 * its client, or never, took effect all the same), so that the removal may have taken effect
 * after the deploy, the final model need not hold the app, and the deploy may report `fail` (a
 * client may give up on what was removed); it must still report, and `info` still counts. Its `ok`
 * need not follow active units when such a removal was asked for at or before that `ok` (the app
 * may have gone before its units were active). When the
 * removal was its own client's, asked after the deploy, that client knows the deploy's fate once
 * it hears the removal done: the deploy must be reported by then (with the removal's `ok`, before the client
 * records anything else),
 * else a violation at its report (a deploy left to its deadline hangs the user's command).
 *
 * And the other way round: a client's removal of its own deployment must take effect. For every
 * `invoke` with f 'remove' reported `ok`, when there is a `final-model` record, `app` must be absent
 * from it, unless another client also deployed the app (two clients' deploy and removal race: either
 * order is right) or the client asked for a deploy of it after the removal. A violation at the final
 * model's time: a client that sends the removal before its own deploy of the app was answered hears
 * "not found", calls that done, and the app stays.
 */
export const deploymentsComplete: Property = {
  name: NAME,
  summary:
    "every requested deployment exists with all units active and the client reported success; a client's removal of its own deployment reported done took effect",
  /** A run that stalled past its budget (stall.ts), over all or within a deploy's own window,
   *  cannot judge the deploys its deadline ended. */
  cannotJudge(history: History): string | undefined {
    for (const [invoke, report] of deploysReported(history)) {
      const stalled = stalledDeploy(history, invoke, report);
      if (stalled !== undefined) return stalled;
    }
    return undefined;
  },
  /** The windows of the deploys their deadline ended (or nothing did): what a stall could decide. */
  *deadlineWindows(history: History): Iterable<readonly [number, number]> {
    for (const [invoke, report] of deploysReported(history)) {
      const window = deadlineWindow(history, invoke, report);
      if (window) yield window;
    }
  },
  check(history: History): Violation[] {
    // A stalled run's deploys that its deadline ended (or that never reported) may only have been
    // late: they are not judged (cannotJudge says so). Every other deploy is, stall or not.
    const index = HistoryIndex.of(history);
    const { deploys: invokes, removes, reports, keys, destroyedAt: destroyed } = index.operations;
    // A removal that succeeded at or after the deploy was asked for may have taken effect after it
    // (asked for by `by`, too: before the deploy's ok, it may have taken the units before they were active).
    // So may one whose client never heard it done but that the controller carried out then.
    const removedAfter = (inv: DeployInvoke, by = Infinity): boolean =>
      removes.some((rm) => {
        if (rm.value.app !== inv.value.app || rm.t > by) return false;
        const report = reports.get(keys.key(rm.client, rm.op));
        if (report?.type === 'ok' && report.t >= inv.t) return true;
        return (destroyed.get(`${rm.client} ${rm.value.app}`) ?? -Infinity) >= Math.max(inv.t, rm.t);
      });
    const early = earlyReports(history, (inv, report) => !removedAfter(inv, report.t));

    const final = index.finalModel;
    const end = index.end;
    const violations: Violation[] = [];
    for (const inv of invokes) {
      const reported = reports.get(keys.key(inv.client, inv.op));
      if (stalledDeploy(history, inv, reported) !== undefined) continue;
      if (cutBeforeAFairChance(history, inv, reported)) continue;
      const { app, units } = inv.value;
      const what = `deploy ${app} -n ${units} (${inv.client} op ${inv.op})`;
      const add = (t: number, message: string, clientOnly = false): void => {
        const v: Violation = { property: NAME, t, client: inv.client, message: `${what}: ${message}` };
        violations.push(clientOnly ? { ...v, clientOnly: true } : v);
      };

      const removed = removedAfter(inv);
      if (final && !removed) {
        const apps = final.model.applications;
        const deployed = Object.hasOwn(apps, app) ? apps[app] : undefined;
        if (!deployed) {
          add(final.t, `app ${app} absent from the final model`);
        } else {
          const statuses = Object.entries(deployed.units);
          const active = statuses.filter(([, s]) => s === 'active').length;
          if (statuses.length < units || active < statuses.length) {
            const list = statuses.map(([u, s]) => `${u} ${s}`).join(', ');
            add(final.t, `${active} of ${Math.max(units, statuses.length)} units active [${list}]`);
          }
        }
      }

      const report = reports.get(keys.key(inv.client, inv.op));
      if (!report) add(end, 'client never reported');
      else if (report.type === 'fail' && !removed)
        add(report.t, `client reported fail: ${report.error ?? 'no error given'}`);
      else if (report.type === 'info')
        add(report.t, `client reported info (outcome unknown)${report.error ? `: ${report.error}` : ''}`);
      const reportedEarly = early.get(inv);
      // The two below set the client's reports against the controller's records or each other: the
      // controller cannot make a client report success early, nor a removal done before its deploy.
      if (report && reportedEarly !== undefined) add(report.t, reportedEarly, true);
      const removal = ownRemovalDone(inv, removes, reports, keys);
      if (report && removal && report.t > settledBy(history, removal))
        add(report.t, `still pending when its own removal was reported done at t=${removal.t}`, true);
    }
    if (final) violations.push(...removalsLeft(removes, invokes, reports, keys, final));
    return violations;
  },
};

/** Deploys (kept by `judged`) reported done before the controller had their units active, with the
 *  violation's message; none when the history shows nothing of the controller's side. */
function earlyReports(
  history: History,
  judged: (inv: DeployInvoke, report: Report) => boolean,
): Map<DeployInvoke, string> {
  const early = new Map<DeployInvoke, string>();
  if (HistoryIndex.of(history).controllerUnseen !== undefined) return early;
  for (const { invoke, report, statuses, activeAt } of reportedBeforeActive(history)) {
    if (!judged(invoke, report)) continue;
    const { app, units } = invoke.value;
    const held = statuses.length === 0 ? `no unit of ${app}` : statuses.map(([u, s]) => `${u} ${s}`).join(', ');
    const after =
      activeAt === undefined ? 'they never were all active' : `they were all active only at t=${formatMs(activeAt)}`;
    early.set(
      invoke,
      `client reported done at t=${formatMs(report.t)}, before the controller had ${count(units, 'unit')} of ${app} active (never since the deploy at t=${formatMs(invoke.t)}): at the report it held ${held}; ${after}`,
    );
  }
  return early;
}

/** Each deploy asked for, with its client's report of it (undefined: never reported). */
function* deploysReported(history: History): Iterable<[DeployInvoke, Report | undefined]> {
  const { deploys, reports, keys } = HistoryIndex.of(history).operations;
  for (const inv of deploys) yield [inv, reports.get(keys.key(inv.client, inv.op))];
}

/**
 * Why a deploy cannot be judged: its deadline ended it (or nothing did), what a stall alone can
 * cause, and the run stalled past its budget (stall.ts) within the window that decided it
 * (deadlineWindow).
 */
function stalledDeploy(history: History, inv: DeployInvoke, report: Report | undefined): string | undefined {
  if (!endedByDeadline(report)) return undefined;
  const overall = stalledPastBudget(history);
  if (overall !== undefined) return overall;
  const window = deadlineWindow(history, inv, report);
  return window && stalledWindow(history, ...window);
}

/**
 * The window of the deadline that decided a deploy, when its deadline ended it (or nothing did): from
 * the invoke to the deadline's `fail`. A deploy never reported was decided by the run's end: in a
 * run that reached quiet, its client said it was settled (no deadline decided it); in one cut short,
 * the closing wait's deadline ended it, and its window runs from quiescence (or the invoke if later).
 */
function deadlineWindow(
  history: History,
  inv: DeployInvoke,
  report: Report | undefined,
): readonly [number, number] | undefined {
  if (!endedByDeadline(report)) return undefined;
  if (report) return [inv.t, report.t];
  const closing = closingWait(history);
  if (!closing || closing.reached) return undefined;
  return [Math.min(inv.t, closing.from), HistoryIndex.of(history).end];
}

/** When the closing sequence began (the quiescence record) and whether its wait reached quiet. */
function closingWait(history: History): { from: number; reached: boolean } | undefined {
  let reached: boolean | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i]!;
    if (r.type === 'quiet') reached = r.reached;
    if (r.type === 'quiescence') return { from: r.t, reached: reached ?? false };
  }
  return undefined;
}

/**
 * The plan left the client no fair chance to meet its deadline: after the invoke the controller was
 * unavailable to the client (availability.ts; or not yet bootstrapped) until `regained`, and then
 * either less than one resume deadline was left (the time a client is allowed to come back in), or
 * the client came back within one (its Deploy accepted) and the controller's own work, its units'
 * hooks, ended less than NOTICE_MS before the deadline: a partition healed at 57.4 s of a 90 s
 * deadline, the Deploy accepted at 57.7 s, units active only at 87.5 s, the client's report 0.9 s
 * later and its exit cut at 90.6 s. A client that was hung while its units went active long before
 * the deadline is judged as before.
 */
function cutBeforeAFairChance(history: History, inv: DeployInvoke, report: Report | undefined): boolean {
  if (!failedByDeadline(report)) return false;
  const start = history[0];
  if (start?.type !== 'run-start') return false;
  const { resumeDeadlineMs } = start.params;
  const regained = availableAgainAt(history, inv.client, inv.t, report.t);
  if (regained === undefined) return false;
  if (report.t - regained < resumeDeadlineMs) return true;
  const { app, units } = inv.value;
  const accepted = deployAcceptedAt(history, inv.client, app, regained);
  if (accepted === undefined || accepted - regained >= resumeDeadlineMs) return false;
  const active = allActiveWithin(history, app, units, accepted, report.t);
  return active !== undefined && report.t - active < NOTICE_MS;
}

/** What a correct client needs, once its units are all active, to hear so and finish: a delta in
 *  flight, its report, a program's exit (the trial's python-libjuju script: 3.1 s on a loaded machine). */
const NOTICE_MS = 5_000;

const REQUESTS = new Selection(['request']);

/** When the controller first accepted a Deploy of `app` from `client` at or after `from`. */
function deployAcceptedAt(history: History, client: string, app: string, from: number): number | undefined {
  for (const r of HistoryIndex.of(history).select(REQUESTS))
    if (r.t >= from && r.accepted && r.client === client && r.apps?.includes(app) && r.method.startsWith('Deploy'))
      return r.t;
  return undefined;
}

const AVAILABILITY = new Selection(AVAILABILITY_READS);

/** The last moment in (from, to] at which the controller became available to `client` again: its
 *  bootstrap, or the end of an unavailable time (availability.ts); undefined if none. */
function availableAgainAt(history: History, client: string, from: number, to: number): number | undefined {
  const availability = new Availability();
  let bootstrapped = false;
  let was = false;
  let again: number | undefined;
  for (const r of HistoryIndex.of(history).select(AVAILABILITY)) {
    if (r.t > to) break;
    availability.observe(r);
    if (r.type === 'bootstrap') bootstrapped = true;
    const is = bootstrapped && availability.availableTo(client);
    if (is && !was && r.t > from) again = r.t;
    was = is;
  }
  return again;
}

/** The deploy's deadline ended it, or nothing did: what a stall alone can cause. */
function endedByDeadline(report: Report | undefined): boolean {
  return report === undefined || failedByDeadline(report);
}

/** A client's deadline failed it: a built-in client reports 'deadline exceeded', a --client-cmd
 *  program the harness stopped at its deadline 'deadline exceeded (N ms)'. */
function failedByDeadline(report: Report | undefined): report is Report {
  return report?.type === 'fail' && report.error?.startsWith('deadline exceeded') === true;
}

/** The `ok` of a later removal of the deploy's app by its own client, if there is one. */
function ownRemovalDone(
  inv: DeployInvoke,
  removes: readonly RemoveInvoke[],
  reports: ReadonlyMap<ClientKey, Report>,
  keys: ClientKeys,
): Report | undefined {
  for (const rm of removes) {
    if (rm.client !== inv.client || rm.op < inv.op || rm.value.app !== inv.value.app) continue;
    const report = reports.get(keys.key(rm.client, rm.op));
    if (report?.type === 'ok') return report;
  }
  return undefined;
}

/** The reports a client makes right after `done` (the same sweep: on a real clock they may be a
 *  millisecond later) count as made with it: the time of the client's next record that is not a
 *  report, after `done`'s time (the end if none). */
function settledBy(history: History, done: Report): number {
  const isReport = (type: string): boolean => type === 'ok' || type === 'fail' || type === 'info';
  for (let i = history.indexOf(done) + 1; i < history.length; i++) {
    const r = history[i]!;
    if ('client' in r && r.client === done.client && !isReport(r.type) && r.t > done.t) return r.t;
  }
  return HistoryIndex.of(history).end;
}

/** A client's removals of its own deployments reported `ok` whose application is still in the final model. */
function removalsLeft(
  removes: readonly RemoveInvoke[],
  deploys: readonly DeployInvoke[],
  reports: ReadonlyMap<ClientKey, Report>,
  keys: ClientKeys,
  final: RecordOf<'final-model'>,
): Violation[] {
  return removes.flatMap((rm): Violation[] => {
    const app = rm.value.app;
    if (reports.get(keys.key(rm.client, rm.op))?.type !== 'ok') return [];
    if (!Object.hasOwn(final.model.applications, app)) return [];
    if (deploys.some((d) => d.value.app === app && (d.client !== rm.client || d.op > rm.op))) return [];
    const message = `remove ${app} (${rm.client} op ${rm.op}): reported done, but ${app} is in the final model`;
    return [{ property: NAME, t: final.t, client: rm.client, message }];
  });
}
