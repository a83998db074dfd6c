import { NEXT_IN_FLIGHT_ERROR, type CloseReason, type History, type RecordOf } from '../harness/history.ts';
import { formatModelMs } from '../harness/plan.ts';
import { AVAILABILITY_READS, Availability } from './availability.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';
import { SILENT_LINK_READS, instantOutsideSpans, outsideSpans, silentSpans, type Span } from './silent-links.ts';
import { diffViews, formatDiff, isEmptyDiff } from './view-diff.ts';

const NAME = 'watchers-resume';

/** A client's watcher lost with its connection, not yet replaced. */
interface Loss {
  t: number;
  conn: number;
  reason: CloseReason;
  /** Available time (see below) that has passed since the loss. */
  elapsed: number;
  /** Time since the loss excused as a half-open link's silence (silent-links.ts). */
  excused: number;
  /** A loss of the client's own closing: when it asked Next on the watcher it closed with it. */
  staleNextAt?: number;
}

/** The watchers a client lost with a connection it closed itself, not yet replaced. */
interface Abandoned {
  t: number;
  conn: number;
  watchers: Set<string>;
}

/** What rule 1 reads: availability (upgrades, agent, faults) and watchers. */
const RESUME_READS = new Selection([...AVAILABILITY_READS, 'watcher-start', 'watcher-stop', 'conn-close']);
/** What the silent links are read from (silent-links.ts). */
const SILENT_READS = new Selection(SILENT_LINK_READS);
/** What rule 3 reads. */
const REQUESTS = new Selection(['request']);
/** What rule 2 reads (an exited program's view is excused a removal its watcher had not
 *  delivered: heardRemoval reads the requests and watchers of the whole history). */
const VIEW_READS = new Selection(['quiet', 'client-view']);

/**
 * watchers-resume (lp:1455260 fix 1: clients must re-create their watchers): after every
 * connection loss the client has a live watcher again within the resume deadline, and at
 * quiescence its view equals the controller's model. Two rules:
 *
 * 1. Resume. Watchers are tracked per connection from controller-side `watcher-start` /
 *    `watcher-stop`. A loss is a `conn-close` with a reason other than 'client' on a connection that
 *    had a live watcher at that moment; a watcher the controller stopped with reason 'connection'
 *    counts as live at its connection's close, whether its `watcher-stop` comes just before or just
 *    after the `conn-close`. After a loss, the same client must have a `watcher-start` on another
 *    connection within `params.resumeDeadlineMs` (inclusive) of available time: time only counts
 *    while the controller is available to that client (availability.ts: not while the agent is
 *    down, an upgrade pending or running, the controller paused or killed, or that client
 *    partitioned or slowed), and not while a link of that
 *    client gone half-open was silent: from the `half-open` event until the client gave the link up
 *    (closed it, or dialled again), at most the request deadline (silent-links.ts: the client can
 *    find such a link dead only by a timer of its own). A slow link (plan.ts `slow`) is up, but
 *    every step of a resume (the dial's handshake, Login, WatchAll, the first Next) takes twice its
 *    delay more, and a correct client's own timeouts (at most the request deadline) give up on the
 *    calls the delay carries past them and dial again, as slow: how much of the window a correct
 *    client can use depends on timers the history does not show, so none of it is counted. Its
 *    deadline then runs from the window's end: a client that took a slow Next for dead and never
 *    watched again is still judged. One violation per loss, at the instant the
 *    deadline ran out. A loss while an earlier one of the same client is still unresolved adds nothing (the
 *    earlier deadline is the stricter). If the history ends before the deadline runs out, rule 1
 *    says nothing (rule 2 judges the client), unless part of its time was excused as a silent link:
 *    then unknown (unjudgedLoss), unless another rule found a violation. A watcher the controller stopped with its connection
 *    up (reason 'controller', plan.ts `stop-watcher`) is no loss here: a client that calls WatchAll
 *    again is fine, and one that stops watching is judged by rule 2, by whether its view holds the
 *    model (a client that had seen everything it asked for may stop). A program's clock stops
 *    when it exits (its view's `exitedAt`): a program that gave up before its deadline ran out
 *    resumes nothing, and its exit is what deployments-complete judges (one failure, reported
 *    once, and not a verdict that hangs on how soon after the loss the program happened to exit).
 *    A connection the client closed itself (reason 'client') is no loss while the client stops
 *    watching (it may have seen all it wanted; rule 2 judges its view), but it becomes one once
 *    the client asks AllWatcher.Next, on another connection, on a watcher it closed with it and
 *    has no live watcher: it means to go on watching and has not re-created its watcher (the
 *    controller answers such a Next "unknown watcher id" for ever). Its deadline runs from that
 *    Next.
 *
 * 2. Converge. Once the run reached quiescence, every `client-view` record (watching or not: a
 *    client that lost its watcher and kept a stale view is exactly the bug) must equal the final
 *    model in application names, unit names and unit workload statuses. One violation per differing
 *    view, listing what is missing, ghost (in the view, not in the model) and stale. A program's
 *    view (`exitedAt`: written as it exited) may hold an application removed after its watcher
 *    last delivered: such a ghost counts only once one of that client's watchers had two
 *    AllWatcher.Next requests after the removal (heardRemoval), a watcher started after it too. A program's differing view is
 *    decided at its exit (t = exitedAt), in the 2 s before it (`since`: a stall there makes it
 *    unknown on a real target), not in the settle window long after it.
 *
 * 3. One Next at a time. A client asks AllWatcher.Next on a watcher only once its previous Next
 *    there was answered: a controller-side `request` AllWatcher.Next refused with
 *    NEXT_IN_FLIGHT_ERROR is a violation at that request. Juju serves a connection's requests
 *    concurrently, so a long-polling Next is answered after later calls (a Ping, a Deploy); a
 *    client that matches answers to its requests in send order instead of by request-id takes such
 *    an answer for its Next's and asks the next Next early (and acts on the wrong answers). Two
 *    loops on one watcher are the same bug: each loop misses the deltas the other took.
 *
 * Unknown when rules 1 and 3 found nothing and rule 2 cannot judge: the run never reached quiescence (its
 * `quiet` record says reached: false, or is missing) or has no `final-model` record; a view may
 * then still be catching up. Unknown too when a loss was still unresolved, its deadline not run
 * out, as the history ended, with time excused as a silent link's (unjudgedLoss).
 */
export const watchersResume: Property = {
  name: NAME,
  timed: true,
  summary:
    'after a connection loss the client watches again within the deadline, one Next at a time, and its view converges',
  cannotJudge: (history) => HistoryIndex.of(history).cutShort ?? unjudgedLoss(history),
  check(history: History): Violation[] {
    const index = HistoryIndex.of(history);
    const resume = resumeJudgement(history).violations;
    const judged = [...resume, ...overlappingNextViolations(index.select(REQUESTS))].sort((a, b) => a.t - b.t);
    return index.cutShort === undefined ? [...judged, ...viewViolations(history)] : judged;
  },
};

/** Rule 1's verdict on a history, computed once for check and cannotJudge (held by its index). */
function resumeJudgement(history: History): ResumeJudgement {
  return HistoryIndex.of(history).fact(judgeResume);
}

function judgeResume(history: History): ResumeJudgement {
  const index = HistoryIndex.of(history);
  const { resumeDeadlineMs, requestDeadlineMs, timeScale } = index.params;
  const silent = silentSpans(index.select(SILENT_READS), requestDeadlineMs);
  return resumeViolations(history, resumeDeadlineMs, silent, timeScale);
}

/**
 * Why rule 1 could not judge: a loss still unresolved when the history ended, its deadline not run
 * out, with part of its time excused as a half-open link's silence. The excuse pushes the deadline
 * past what the run's closing saw of it before (targets/closing.ts now waits it out after the last
 * half-open), and rule 2 alone cannot tell such a client (its view may hold the model without a
 * watcher when nothing changed): unknown, not held. A loss with nothing excused is left to rule 2 as
 * always (a run's closing ends once it is quiet, not a resume deadline after every loss).
 */
function unjudgedLoss(history: History): string | undefined {
  const { pending } = resumeJudgement(history);
  const first = pending[0];
  if (!first) return undefined;
  const { timeScale, resumeDeadlineMs } = HistoryIndex.of(history).params;
  const { client, loss } = first;
  return (
    `${client} lost its watcher when conn ${loss.conn} closed (${loss.reason}) at t=${formatModelMs(loss.t, timeScale)} ` +
    `and had none back when the history ended, after ${formatModelMs(loss.elapsed, timeScale)} of available time ` +
    `(${formatModelMs(loss.excused, timeScale)} more excused as a half-open link's silence): ` +
    `the run ended before its resume deadline (${formatModelMs(resumeDeadlineMs, timeScale)}) could be judged`
  );
}

/** Rule 1: the losses whose deadline ran out, and those still unresolved at the history's end
 *  with part of their time excused as a silent link's (unjudgedLoss). */
interface ResumeJudgement {
  violations: Violation[];
  pending: { client: string; loss: Loss }[];
}

/** `silent`: each client's silent spans (silent-links.ts). `timeScale`: a real target's, so that
 *  messages give real times too (see RunParams). */
function resumeViolations(
  history: History,
  deadline: number,
  silent: ReadonlyMap<string, readonly Span[]>,
  timeScale: number | undefined,
): ResumeJudgement {
  const violations: Violation[] = [];
  const watchers = new Map<number, Set<string>>(); // conn -> live watcher ids
  const stoppedByConnection = new Map<number, Set<string>>(); // conn -> watchers that died with it
  const losses = new Map<string, Loss>(); // client -> unresolved loss
  const abandoned = new Map<string, Abandoned>(); // client -> watchers lost with a conn it closed
  const watching = new Map<number, string>(); // conn -> the client of its watchers
  const lostNexts = nextsOnLostWatchers(history);
  let nextLostNext = 0;
  const availability = new Availability();
  const exits = programExits(history);
  let lastT = history[0]?.t ?? 0;
  const end = HistoryIndex.of(history).end;

  // Lets the deadline clocks run from lastT to t under the availability in force since lastT. A
  // program's clock stops at its exit: once it has ended it resumes nothing, and a loss whose deadline
  // had not run out by then is its exit's to answer for (deployments-complete judges the exit).
  const advance = (t: number): void => {
    for (const [client, loss] of losses) {
      const exitedAt = exits.get(client);
      const until = exitedAt !== undefined && exitedAt < t ? Math.max(lastT, exitedAt) : t;
      if (!availability.availableTo(client) || until === lastT) {
        if (until < t) losses.delete(client);
        continue;
      }
      const before = loss.elapsed;
      const spans = silent.get(client);
      const outside = spans ? outsideSpans(spans, lastT, until) : until - lastT;
      loss.elapsed += outside;
      loss.excused += until - lastT - outside;
      if (loss.elapsed <= deadline) {
        if (until < t) losses.delete(client);
        continue;
      }
      losses.delete(client);
      violations.push({
        property: NAME,
        t: spans ? instantOutsideSpans(spans, lastT, deadline - before) : lastT + (deadline - before),
        since: loss.staleNextAt ?? loss.t, // what decided the deadline: from the stale Next on
        client,
        message:
          `${client} lost its watcher when conn ${loss.conn} closed (${loss.reason}) at t=${formatModelMs(loss.t, timeScale)}` +
          (loss.staleNextAt === undefined
            ? ''
            : `, asked Next on it at t=${formatModelMs(loss.staleNextAt, timeScale)} on another connection,`) +
          ` and had no watcher back after ${formatModelMs(deadline, timeScale)} of available time`,
      });
    }
  };

  const liveWatcherOf = (client: string): boolean => {
    for (const [conn, live] of watchers) if (live.size > 0 && watching.get(conn) === client) return true;
    return false;
  };

  // Next on a watcher the client closed with its own connection: a loss from then on.
  const catchUpLostNexts = (t: number): void => {
    for (; nextLostNext < lostNexts.length && lostNexts[nextLostNext]!.t <= t; nextLostNext++) {
      const r = lostNexts[nextLostNext]!;
      const gone = abandoned.get(r.client);
      if (!gone || gone.conn === r.conn || !gone.watchers.has(r.watcher!) || losses.has(r.client)) continue;
      if (liveWatcherOf(r.client)) continue;
      if (losses.size > 0 && r.t > lastT) advance(r.t);
      lastT = Math.max(lastT, r.t);
      abandoned.delete(r.client);
      losses.set(r.client, { t: gone.t, conn: gone.conn, reason: 'client', elapsed: 0, excused: 0, staleNextAt: r.t });
    }
  };

  // Only the records that change availability or watchers move the clocks on: between them, time
  // passes alike (model times are whole milliseconds on every target, so its sums are exact).
  for (const r of HistoryIndex.of(history).select(RESUME_READS)) {
    if (nextLostNext < lostNexts.length) catchUpLostNexts(r.t);
    if (losses.size > 0 && r.t > lastT) advance(r.t);
    lastT = r.t;
    availability.observe(r);
    switch (r.type) {
      case 'watcher-start': {
        let live = watchers.get(r.conn);
        if (!live) watchers.set(r.conn, (live = new Set()));
        live.add(r.watcher);
        watching.set(r.conn, r.client);
        if (abandoned.get(r.client)?.conn !== r.conn) abandoned.delete(r.client);
        const loss = losses.get(r.client);
        if (loss && loss.conn !== r.conn) losses.delete(r.client);
        break;
      }
      case 'watcher-stop': {
        // The controller may log a 'connection' stop just before the conn-close: remember that a
        // live watcher died with it. (Logged after the close, the watcher is already gone.)
        if (!watchers.get(r.conn)?.delete(r.watcher) || r.reason !== 'connection') break;
        let died = stoppedByConnection.get(r.conn);
        if (!died) stoppedByConnection.set(r.conn, (died = new Set()));
        died.add(r.watcher);
        break;
      }
      case 'conn-close': {
        const lost = new Set([...(watchers.get(r.conn) ?? []), ...(stoppedByConnection.get(r.conn) ?? [])]);
        watchers.delete(r.conn);
        watching.delete(r.conn);
        stoppedByConnection.delete(r.conn);
        if (lost.size === 0 || losses.has(r.client)) break;
        if (r.reason === 'client') abandoned.set(r.client, { t: r.t, conn: r.conn, watchers: lost });
        else losses.set(r.client, { t: r.t, conn: r.conn, reason: r.reason, elapsed: 0, excused: 0 });
        break;
      }
    }
  }
  catchUpLostNexts(end);
  if (losses.size > 0 && end > lastT) advance(end); // the run's end: what ran out by then
  const pending = [...losses].filter(([, loss]) => loss.excused > 0).map(([client, loss]) => ({ client, loss }));
  return { violations, pending };
}

/** The refused AllWatcher.Next requests naming a watcher (rule 1 reads those on a watcher its
 *  client closed with its own connection): a correct client asks none, so few. */
function nextsOnLostWatchers(history: History): RecordOf<'request'>[] {
  return HistoryIndex.of(history)
    .select(REQUESTS)
    .filter((r) => !r.accepted && r.method === 'Next' && r.watcher !== undefined && r.error !== NEXT_IN_FLIGHT_ERROR);
}

/** When each program ended (a built-in client runs to the history's end): the client a program
 *  played (RunParams.program) reports its deploys all at once as it exits or its deadline stops it
 *  (clients/command-client.ts), and its view, if it wrote one, says when it exited. */
function programExits(history: History): Map<string, number> {
  const index = HistoryIndex.of(history);
  const exits = new Map<string, number>();
  const ended = (client: string, t: number): void => {
    exits.set(client, Math.min(t, exits.get(client) ?? t));
  };
  for (const r of index.select(VIEW_READS))
    if (r.type === 'client-view' && r.exitedAt !== undefined) ended(r.client, r.exitedAt);
  const program = index.params.program ? index.params.clients[0] : undefined;
  if (program !== undefined)
    for (const report of index.operations.reports.values()) if (report.client === program) ended(program, report.t);
  return exits;
}

/**
 * Whether `client` heard of the last removal of `app` (an accepted Application.DestroyApplication
 * listing it, by anyone): one of its watchers had two AllWatcher.Next requests after it. Nexts on a
 * watcher go one at a time, so the second was sent once the first's answer was in, and that answer
 * held the removal (a `remove` delta, or, on a watcher started after it, a snapshot without the
 * app: a program that merges that into its old view keeps the ghost). A fresh watcher's first Next
 * alone proves nothing: the operator's removal on login (wire/session.ts) lands just before it, and
 * a program may exit with that snapshot still in flight. A program's view is written as it exits: a
 * removal its watcher had not delivered by then is not a ghost it kept.
 */
function heardRemoval(history: History, client: string, app: string): boolean {
  let removedAt = -1;
  history.forEach((r, i) => {
    if (r.type === 'request' && r.accepted && r.method === 'DestroyApplication' && r.apps?.includes(app)) removedAt = i;
  });
  if (removedAt < 0) return true; // never removed: a ghost whatever the client heard
  const nexts = new Map<string, number>(); // watcher -> Nexts after the removal
  for (let i = removedAt + 1; i < history.length; i++) {
    const r = history[i]!;
    if (r.type !== 'request' || r.client !== client || r.method !== 'Next' || !r.accepted) continue;
    const n = (nexts.get(r.watcher ?? '') ?? 0) + 1;
    if (n >= 2) return true;
    nexts.set(r.watcher ?? '', n);
  }
  return false;
}

/** What a program's view took in before it exited (exitedAt): deltas in flight land in about
 *  this long, as the closing sequence's settle time gives a watching client's. */
const EXIT_WINDOW_MS = 2_000;

/**
 * When a differing view was decided, and the window that decided it (Violation.since): a watching
 * client's view is read once the run is quiet and the settle time has passed, so the settle window
 * decided it; a program wrote its view as it exited, so the moments before its exit did (a program
 * starved then may have had deltas waiting), not the settle window long after.
 */
function viewWindow(r: RecordOf<'client-view'>, quietT: number | undefined): { t: number; since?: number } {
  if (r.exitedAt !== undefined) return { t: r.exitedAt, since: Math.max(0, r.exitedAt - EXIT_WINDOW_MS) };
  return quietT !== undefined ? { t: r.t, since: quietT } : { t: r.t };
}

/** Rule 2. A view is taken once the run is quiet and a settle time more has passed for watcher
 *  deltas in flight to land (targets/closing.ts): that settle time is its deadline (`since`, the
 *  quiet record's time), which a starved harness may not have had to read them (stall.ts). */
function viewViolations(history: History): Violation[] {
  const index = HistoryIndex.of(history);
  const final = index.finalModel;
  if (!final) return [];
  const violations: Violation[] = [];
  let quietT: number | undefined;
  for (const r of index.select(VIEW_READS)) {
    if (r.type === 'quiet') quietT = r.t;
    if (r.type !== 'client-view') continue;
    const diff = diffViews(final.model, r.view);
    if (r.exitedAt !== undefined)
      diff.ghost = diff.ghost.filter((g) => !g.startsWith('app ') || heardRemoval(history, r.client, g.slice(4)));
    if (isEmptyDiff(diff)) continue;
    if (r.exitedAt !== undefined && neverWatched(history, r.client)) continue;
    violations.push({
      property: NAME,
      ...viewWindow(r, quietT),
      client: r.client,
      message: `${r.client}'s view (${r.watching ? 'watching' : 'not watching'}) differs from the final model: ${formatDiff(diff)}`,
    });
  }
  return violations;
}

/** A program the controller saw start no watcher and ask no Next wrote, as it exited, a view of
 *  nothing it was told: no watcher's view to compare with the model. It gave up before watching, and
 *  its exit is deployments-complete's to judge (trial 12: a program exiting 1 before it ever watched
 *  was blamed here too). Only where the controller's records are observed (a bootstrap record). */
function neverWatched(history: History, client: string): boolean {
  let observed = false;
  for (const r of history) {
    if (r.type === 'bootstrap') observed = true;
    else if (r.type === 'watcher-start' && r.client === client) return false;
    else if (r.type === 'request' && r.client === client && r.facade === 'AllWatcher') return false;
  }
  return observed;
}

/** Rule 3: one violation per Next the controller refused because the watcher's previous Next was
 *  still unanswered. */
function overlappingNextViolations(requests: readonly RecordOf<'request'>[]): Violation[] {
  const violations: Violation[] = [];
  for (const r of requests) {
    if (r.accepted || r.method !== 'Next' || r.error !== NEXT_IN_FLIGHT_ERROR) continue;
    violations.push({
      property: NAME,
      t: r.t,
      client: r.client,
      message:
        `${r.client} asked AllWatcher.Next on watcher ${r.watcher ?? '?'} (conn ${r.conn}) before its previous Next ` +
        `there was answered: it matches answers to requests out of order (not by request-id) or runs two loops on one watcher`,
    });
  }
  return violations;
}
