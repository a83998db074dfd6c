/**
 * Small helpers shared by several properties. Everything here is a pure function of a history.
 */
import type { History, HistoryRecord, RecordOf, RecordType } from '../harness/history.ts';

/**
 * The last `final-model` record (written once, at quiescence), or undefined if the run never got
 * there. Scans from the end, where the record sits, so it costs a few steps, not a pass.
 */
export function finalModel(history: History): RecordOf<'final-model'> | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i]!;
    if (r.type === 'final-model') return r;
  }
  return undefined;
}

/** The time of the last record: when anything still pending became certain to stay pending. */
export function endTime(history: History): number {
  return history.length > 0 ? history[history.length - 1]!.t : 0;
}

/**
 * Map keys for a client's numbered things (operations, calls, connections), unique per (client, n):
 * small integers (Smis, which a Map hashes fast, allocating nothing) for the first CLIENT_IDS clients
 * and n a whole number below 2^24 (every harness client counts from 0 or 1), a string otherwise. A
 * property looks one up for most records of a history: a key past 2^30 (a heap number) costs a
 * Map several times more.
 */
/** A key of ClientKeys. */
export type ClientKey = number | string;

export class ClientKeys {
  private readonly ids = new Map<string, number>();
  /** The client asked last and its id: most runs have one client, and records of one client come in runs. */
  private lastClient: string | undefined;
  private lastId = 0;
  key(client: string, n: number): ClientKey {
    if (client !== this.lastClient) {
      let id = this.ids.get(client);
      if (id === undefined) this.ids.set(client, (id = this.ids.size));
      this.lastClient = client;
      this.lastId = id;
    }
    const id = this.lastId;
    // n * CLIENT_IDS + id < 2^30: a Smi on every platform V8 runs on.
    return (n & N_MASK) === n && id < CLIENT_IDS ? n * CLIENT_IDS + id : `${id} ${n}`;
  }
}

/** Clients and numbers that ClientKeys keys as small integers. */
const CLIENT_IDS = 64;
const N_MASK = 0xff_ffff;

/**
 * Why a run cannot be judged on its final state, or undefined if it can. It can when it has a
 * `final-model` record and reached quiescence: the closing sequence's `quiet` record says the
 * controller and every client settled before the deadlines (a history without a `quiet` record,
 * hand-written or older, counts as settled if it has a final model). A run cut short may still be
 * mid-upgrade or mid-deploy: what is missing from its final model may only be unfinished.
 */
export function cutShort(history: History): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i]!;
    if (r.type === 'quiet' && !r.reached)
      return 'the run never reached quiescence: controller or clients still busy at the deadline';
    if (r.type === 'quiescence') break; // the quiet record comes after it
  }
  return finalModel(history) ? undefined : 'the history has no final-model record: the run never finished';
}

/** The Application facade's methods that deploy (Juju 3 added DeployFromRepository): the
 *  controller-side `request` records that create applications. */
export const DEPLOY_METHODS: ReadonlySet<string> = new Set(['Deploy', 'DeployFromRepository']);

/** Record types only the controller writes: a history without any of them comes from a target that
 *  cannot see the controller's side (an external controller). */
export const CONTROLLER_SIDE: ReadonlySet<RecordType> = new Set<RecordType>([
  'bootstrap',
  'upgrade-requested',
  'upgrade-pending',
  'download',
  'agent-down',
  'agent-up',
  'version',
  'upgrade-steps',
  'upgrade-end',
  'conn-open',
  'conn-refused',
  'conn-close',
  'login',
  'request',
  'watcher-start',
  'watcher-stop',
  'hook-start',
  'hook-end',
  'unit-status',
]);

/** Whether the controller wrote this record (what the harness and the clients write is not). */
export function isControllerSide(r: HistoryRecord): boolean {
  return CONTROLLER_SIDE.has(r.type);
}

/**
 * Why the controller's contract cannot be judged on this history, or undefined if it can: it can
 * when the history holds controller-side records (the sim and the process target write them; an
 * external controller is seen from its clients only, so a property of its contract would hold
 * vacuously there).
 */
export function controllerUnseen(history: History): string | undefined {
  for (const r of history) if (CONTROLLER_SIDE.has(r.type)) return undefined;
  return `the history has no controller-side records (bootstrap, connections, requests...): ${CONTROLLER_NOT_OBSERVED}`;
}

/** How every reason a property gives for a history without the controller's own records ends. */
export const CONTROLLER_NOT_OBSERVED = 'the controller was not observed';

/**
 * Whether an unknown verdict's reason is that the target gives no controller-side records (an
 * external controller, seen from its clients only): no run on that target can be judged by the
 * property, so a replay of one would not judge it either.
 */
export function notObservedOnTarget(reason: string | undefined): boolean {
  return reason?.endsWith(CONTROLLER_NOT_OBSERVED) === true;
}
