/**
 * How every run ends, on every target: the closing sequence that every property depends on.
 *
 *   quiescence  record it: from here on the plan is over and nothing new is injected
 *   heal        end every fault in force (each heal records its fault-end)
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
import type { ModelView, Recorder } from '../history.ts';
import type { Deadlines } from '../scenario.ts';

/** Time for watcher deltas already in flight to land once everything has settled. */
export const SETTLE_MS = 2_000;

/** A value now, or later (real targets). */
export type MaybeAsync<T> = T | Promise<T>;

/** The controller's state at the end of the run. */
export interface FinalModel {
  version: string;
  model: ModelView;
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
  /** How many plan events still wait for their moment (a chained upgrade): the wait waits for them too. */
  waitingEvents?(): number;
  /** Whether a client has a view to report (a black-box program may have written none). */
  hasView?(client: Client): boolean;
  /** The controller's final model (a real target fetches it with the controller's records). */
  finalModel(): MaybeAsync<F>;
}

/** Runs the closing sequence (see the header) and returns the final model it recorded. */
export function closeRun<F extends FinalModel>(run: RunEnding<F>): MaybeAsync<F> {
  const { clock, history } = run;
  history.record({ type: 'quiescence' });
  return then(run.healFaults(), () => {
    const limit = clock.now() + run.deadlines.deployMs + run.deadlines.resumeMs;
    const clients = [...run.clients.values()];
    const settled = (): boolean => (run.waitingEvents?.() ?? 0) === 0 && clients.every((c) => c.settled());
    // Asked again once the controller has answered: on a real target that takes a round trip, in
    // which a client may have started something (a watcher's Next returned, so it stops it for a
    // rewatch the plan asked for), and a call sent then would be cut short by the run's end.
    const quiet = (): MaybeAsync<boolean> =>
      settled() ? then(run.controllerQuiet(), (controller) => controller && settled()) : false;
    return then(run.runUntil(limit, quiet), () =>
      then(quiet(), (reached) => {
        history.record({ type: 'quiet', reached });
        return then(run.runUntil(clock.now() + SETTLE_MS), () => closeRecords(run));
      }),
    );
  });
}

/** The records of the run's end, once everything has settled; then the history is sealed. */
function closeRecords<F extends FinalModel>(run: RunEnding<F>): MaybeAsync<F> {
  const { history } = run;
  for (const [name, client] of run.clients) {
    if (run.hasView && !run.hasView(client)) continue;
    history.record({ type: 'client-view', client: name, ...client.view() });
  }
  return then(run.finalModel(), (final) => {
    history.record({ type: 'final-model', version: final.version, model: final.model });
    history.record({ type: 'run-end' });
    history.seal();
    return final;
  });
}

/** `f(value)`, at once when the value is there, after it resolves when it is a promise. */
function then<T, U>(value: MaybeAsync<T>, f: (value: T) => MaybeAsync<U>): MaybeAsync<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
