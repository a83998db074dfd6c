/**
 * How every run ends, on every target: the closing sequence that every property depends on.
 *
 *   ties        while faults tied to client activity are armed, the plan goes on (tie-wait
 *               record) until they fire, until nothing is in motion, or for one resume deadline
 *               of time the controller was available in: most ties would otherwise be dropped
 *               unfired (see awaitTies)
 *   quiescence  record it: from here on the plan is over and nothing new is injected
 *   heal        end every fault in force (each heal records its fault-end)
 *   half-open   a half-open connection is never healed: the run goes on until one resume deadline
 *               after the last one, so that a client judged on its view has had time to find the
 *               link dead and watch again (a client that thinks it is watching looks settled;
 *               watchers-resume also excuses the finding itself, up to the request deadline, so
 *               a loss found late may still be open at the run's end: its view is judged); one
 *               tied to client activity counts from when it fired, which a real target's
 *               controller tells as the heal ends its ties (RunEnding.settledTies)
 *   slow tail   a message sent over a slow link before its window ended still takes the window's
 *               delay: the run goes on until what was in flight then has had a round trip (twice
 *               the delay after the window's end), so that a view is not judged on a Next's answer
 *               still on its way; a real target's controller tells when a tied one began
 *               (RunEnding.settledTies), and the heal ended it if its duration had not
 *   wait        until the controller is quiet, every client settled and no plan event waits for
 *               its moment, bounded by the scenario's deploy and resume deadlines; the quiet
 *               record says whether that was reached
 *   settle      SETTLE_MS more, for watcher deltas already in flight to land
 *   views       one client-view record per client that has a view to report
 *   final model the controller's model and version, as the final-model record
 *   run end     the run-end record, then seal the history (what clients record while they are
 *               torn down is not part of the run)
 *
 * A target says how to do each step (the sim synchronously on its virtual clock, the live targets
 * over the network in real time); the order, the bounds and the records are written here only.
 * Steps may return a value or a promise: a target whose steps all return values (the sim) gets the
 * whole sequence synchronously, so the sim's run stays a plain function call.
 */
import type { Client } from '../clients/client.ts';
import type { Scheduler } from '../clock.ts';
import type { HistoryBody, ModelView, Recorder } from '../history.ts';
import type { PlanEvent } from '../plan.ts';

type RecordBody<T extends HistoryBody['type']> = Extract<HistoryBody, { type: T }>;
import type { Deadlines } from '../scenario.ts';

/** Time for watcher deltas already in flight to land once everything has settled. */
export const SETTLE_MS = 2_000;

/** A value now, or later (real targets). */
export type MaybeAsync<T> = T | Promise<T>;

/** The controller's state at the end of the run. */
export interface FinalModel {
  version: string;
  model: ModelView;
  /** The charm URL each application runs (absent: the target cannot tell). */
  charms?: Record<string, string>;
}

/** A plan event tied to client activity as the controller settled it: applied at `t` (model ms), or
 *  not (dropped at quiescence, or it found nothing to act on). */
export interface SettledTie {
  readonly event: PlanEvent;
  readonly t: number;
  readonly applied: boolean;
}

/** What the closing sequence needs from a target. */
export interface RunEnding<F extends FinalModel> {
  readonly clock: Scheduler;
  readonly history: Recorder;
  readonly deadlines: Deadlines;
  /** The run's clients, by name. */
  readonly clients: ReadonlyMap<string, Client>;
  /** Ends every fault in force, recording a fault-end for each. */
  healFaults(): MaybeAsync<void>;
  /** Lets the run go on until the clock reaches `limitMs`, or until `quiet()` holds if given. */
  runUntil(limitMs: number, quiet?: () => MaybeAsync<boolean>): MaybeAsync<void>;
  /** The controller has nothing in motion (agent up, no upgrade, no hook running). */
  controllerQuiet(): MaybeAsync<boolean>;
  /** Plan events tied to client activity that are armed and have not fired yet (absent: the
   *  target arms none). A real target may wait a little for them to fire before it answers. */
  armedTies?(): MaybeAsync<number>;
  /** Whether the controller can be at the tied clients' moments now: bootstrapped and up, no
   *  upgrade pending or running, not paused or killed, and a client with an armed tie not
   *  partitioned from it (absent: always). */
  available?(): MaybeAsync<boolean>;
  /** How many plan events still wait for their moment (a chained upgrade): the wait waits for them too. */
  waitingEvents?(): number;
  /** What became of the plan events tied to client activity that a real target's controller fired
   *  or dropped itself, known once healFaults is over (the controller drops the rest then): their
   *  event records reach the history only with the controller's others, at the end (absent: the
   *  history has every event record). */
  settledTies?(): readonly SettledTie[];
  /** Whether a client has a view to report (a black-box program may have written none). */
  hasView?(client: Client): boolean;
  /** The controller's final model (a real target fetches it with the controller's records). */
  finalModel(): MaybeAsync<F>;
}

/** Runs the closing sequence (see the header) and returns the final model it recorded. */
export function closeRun<F extends FinalModel>(run: RunEnding<F>): MaybeAsync<F> {
  return then(awaitTies(run), () => closeAfterPlan(run));
}

/** Whether the controller is quiet, every client settled and no plan event waits for its moment. */
function quietness(run: RunEnding<FinalModel>): () => MaybeAsync<boolean> {
  const clients = [...run.clients.values()];
  // A plain loop: the sim asks this before every timer of the wait (no closure per question).
  const settled = (): boolean => {
    if ((run.waitingEvents?.() ?? 0) !== 0) return false;
    for (const c of clients) if (!c.settled()) return false;
    return true;
  };
  // Clients are looked at first (no I/O). Asked again once the controller has answered: on a real
  // target that takes a round trip, in which a client may have started something (a watcher's Next
  // returned, so it stops it for a rewatch the plan asked for), and a call sent then would be cut
  // short by the run's end. The continuation is built once: the sim asks about 200 times a run.
  const thenSettled = (controller: boolean): boolean => controller && settled();
  // then() written out here and in the wait's questions: asked before every timer of the closing
  // (about 200 a run on the sim), a synchronous answer goes through no continuation at all.
  return () => {
    if (!settled()) return false;
    const controller = run.controllerQuiet();
    return controller instanceof Promise ? controller.then(thenSettled) : controller && settled();
  };
}

/** How often the wait for ties looks whether the controller is available (model ms). */
const TIE_WAIT_STEP_MS = 1_000;

/**
 * The plan's end, for faults tied to client activity: a tie names a moment (a client's Next in
 * flight, its Deploy answered, its login), and a plan often ends before the client gets there, so
 * quiescence, which injects no fault, used to drop about two in three of the ties drawn. While
 * some are armed the plan goes on, faults in force, until every tie has fired, or nothing is in
 * motion (clients settled, controller quiet: no client will reach a moment it is not at now), or
 * the controller has been available (RunEnding.available) for one resume deadline, as
 * watchers-resume counts a client's time: an upgrade, a pause, a crash or the tied clients'
 * partitions in force at the plan's end hold the clients away from their moments (the implicit upgrade alone takes about 20 s of
 * the 30), so it does not count. The wait looks every TIE_WAIT_STEP_MS and ends at the closing
 * wait's own bound (deploy and resume deadlines) at the latest. Bounds are model time (the sim's
 * virtual clock; a real target's scaled clock, the server's session asked with a long poll). The
 * tie-wait record says how many were armed and both bounds; a run with no tie armed waits for
 * nothing and writes nothing, so its history is what it was before.
 */
function awaitTies<F extends FinalModel>(run: RunEnding<F>): MaybeAsync<void> {
  const armedTies = run.armedTies;
  if (!armedTies) return;
  return then(armedTies(), (armed) => {
    if (armed === 0) return;
    const availableMs = run.deadlines.resumeMs;
    const untilMs = run.clock.now() + run.deadlines.deployMs + run.deadlines.resumeMs;
    run.history.record({ type: 'tie-wait', armed, availableMs, untilMs });
    const quiet = quietness(run);
    // Asked before every timer of the wait: the continuations are built once, not per question.
    const none = (n: number): boolean => n === 0;
    const fired = (): MaybeAsync<boolean> => {
      const armedNow = armedTies();
      return armedNow instanceof Promise ? armedNow.then(none) : armedNow === 0;
    };
    const orFired = (q: boolean): MaybeAsync<boolean> => q || fired();
    const over = (): MaybeAsync<boolean> => {
      const q = quiet();
      return q instanceof Promise ? q.then(orFired) : q || fired();
    };
    // Quiet, with ties armed: a client settles as it sends its call (its Next is in flight), before
    // the controller has it, and that call may be a tie's moment. Calls in flight land in SETTLE_MS.
    const stillQuiet = (): MaybeAsync<boolean> =>
      then(fired(), (done) =>
        done ? true : then(run.runUntil(run.clock.now() + SETTLE_MS, fired), () => then(fired(), (f) => f || quiet())),
      );
    let left = availableMs;
    // One step: was the controller available as it began (then the step counts), then let it pass.
    // Steps run one after another, so the step's start and availability live here and each
    // continuation is built once for the whole wait, not once per step.
    let from = 0;
    let availableAtStart = true;
    const ended = (done: boolean): MaybeAsync<void> => {
      if (done) return;
      if (availableAtStart) left -= run.clock.now() - from;
      return step();
    };
    const endedIfOver = (o: boolean): MaybeAsync<void> => then(o ? stillQuiet() : false, ended);
    const passed = (): MaybeAsync<void> => then(over(), endedIfOver);
    const pass = (available: boolean): MaybeAsync<void> => {
      availableAtStart = available;
      return then(run.runUntil(Math.min(untilMs, from + Math.min(TIE_WAIT_STEP_MS, left)), over), passed);
    };
    const step = (): MaybeAsync<void> => {
      from = run.clock.now();
      if (left <= 0 || from >= untilMs) return;
      return then(run.available?.() ?? true, pass);
    };
    return step();
  });
}

/** The closing sequence from quiescence on. */
function closeAfterPlan<F extends FinalModel>(run: RunEnding<F>): MaybeAsync<F> {
  run.history.record({ type: 'quiescence' });
  return then(run.healFaults(), () => {
    // A run without a half-open or a slow link does not step its clock here: its history is what it was before.
    const ends = [halfOpenResumeDeadline(run), slowTail(run)].filter((t): t is number => t !== undefined);
    const until = ends.length > 0 ? Math.max(...ends) : undefined;
    return until === undefined ? quietWait(run) : then(run.runUntil(until), () => quietWait(run));
  });
}

const NONE: readonly SettledTie[] = [];

/** When the last message sent over a slow link (plan.ts `slow`) has had its round trip, if that is
 *  still to come: twice the window's delay after its end (a request sent just before it arrives one
 *  delay later, and its answer, sent then, may be a Next's long-awaited one). */
function slowTail(run: RunEnding<FinalModel>): number | undefined {
  const delay = new Map<string, number>(); // client -> its slow window's delay, while in force
  let until: number | undefined;
  for (const r of run.history.records) {
    if (r.type === 'fault-start' && r.fault === 'slow') delay.set(r.client, r.latencyMs);
    if (r.type !== 'fault-end' || r.fault !== 'slow') continue;
    const end = r.t + 2 * (delay.get(r.client) ?? 0);
    until = Math.max(until ?? end, end);
  }
  // One tied to client activity that a real target's controller made is not in the history yet (its
  // fault records come with the controller's at the end): it slowed the link from when the tie fired
  // for its duration, or until the quiescence just over (healFaults) ended it. One it dropped, or
  // that found no connection, slowed nothing.
  for (const tie of run.settledTies?.() ?? NONE) {
    if (tie.event.kind !== 'slow' || !tie.applied) continue;
    const end = Math.min(tie.t + tie.event.durationMs, run.clock.now()) + 2 * tie.event.latencyMs;
    until = Math.max(until ?? end, end);
  }
  return until !== undefined && until > run.clock.now() ? until : undefined;
}

/** The whole resume deadline after the run's last half-open event (plan.ts), if that is still to
 *  come: the resume deadline plus the request deadline, the most of a link's silence watchers-resume
 *  excuses (properties/silent-links.ts), so that a watcher lost there reaches its deadline in the run. */
function halfOpenResumeDeadline(run: RunEnding<FinalModel>): number | undefined {
  let last: number | undefined;
  for (const r of run.history.records) if (r.type === 'event' && r.event.kind === 'half-open' && r.applied) last = r.t;
  // One tied to client activity that a real target's controller applied is not in the history yet:
  // the controller said when it fired (ignored, the run was judged 11 s after a Next-tied half-open
  // on the process target, seed 3, its correct client's view stale). One it dropped, or that found
  // no connection, asks for no wait, as its record would say on the sim.
  for (const tie of run.settledTies?.() ?? NONE)
    if (tie.event.kind === 'half-open' && tie.applied) last = Math.max(last ?? tie.t, tie.t);
  const until = last === undefined ? undefined : last + run.deadlines.resumeMs + run.deadlines.requestMs;
  return until !== undefined && until > run.clock.now() ? until : undefined;
}

/** Waits until the run is quiet (bounded by the deadlines), records whether it was, and closes. */
function quietWait<F extends FinalModel>(run: RunEnding<F>): MaybeAsync<F> {
  const { clock, history } = run;
  const limit = clock.now() + run.deadlines.deployMs + run.deadlines.resumeMs;
  const quiet = quietness(run);
  // The wait ends when it sees quiet; asked again (a real target's round trip), a client may have
  // started something in between (a rewatch): then the wait goes on to the deadline, rather than
  // recording "not reached" seconds into a wait of a minute. On the sim the answer cannot change.
  // A wait that ended without seeing quiet (its deadline, a shrink candidate's cut) is not resumed.
  let seen = false;
  // Asked before every timer of the wait: its continuation is built once, not per question.
  const see = (q: boolean): boolean => (seen = q);
  const watched = (): MaybeAsync<boolean> => {
    const q = quiet();
    return q instanceof Promise ? q.then(see) : (seen = q);
  };
  const wait = (): MaybeAsync<F> =>
    then(run.runUntil(limit, watched), () =>
      then(quiet(), (reached) => {
        if (!reached && seen && clock.now() < limit) {
          seen = false;
          return wait();
        }
        history.record({ type: 'quiet', reached });
        return then(run.runUntil(clock.now() + SETTLE_MS), () => closeRecords(run));
      }),
    );
  return wait();
}

/** The records of the run's end, once everything has settled; then the history is sealed. */
function closeRecords<F extends FinalModel>(run: RunEnding<F>): MaybeAsync<F> {
  const { history } = run;
  for (const [name, client] of run.clients) {
    if (run.hasView && !run.hasView(client)) continue;
    const { watching, view, exitedAt } = client.view();
    const record: RecordBody<'client-view'> = { type: 'client-view', client: name, watching, view };
    if (exitedAt !== undefined) record.exitedAt = exitedAt;
    history.record(record);
  }
  return then(run.finalModel(), (final) => {
    const record: RecordBody<'final-model'> = { type: 'final-model', version: final.version, model: final.model };
    if (final.charms) record.charms = final.charms;
    history.record(record);
    history.record({ type: 'run-end' });
    history.seal();
    return final;
  });
}

/** `f(value)`, at once when the value is there, after it resolves when it is a promise. */
function then<T, U>(value: MaybeAsync<T>, f: (value: T) => MaybeAsync<U>): MaybeAsync<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
