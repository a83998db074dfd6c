/**
 * The history is the only thing that crosses from running to checking: a list of plain records,
 * Jepsen style. Client operations appear as invoke then ok / fail / info; RPC calls as call then
 * return; the controller adds its own records (versions, upgrades, connections, watchers, requests,
 * hooks). Properties (properties/) are pure functions of a history, whatever target produced it.
 * Every record carries `t`, milliseconds since the run started (virtual in the sim, wall-clock on
 * real targets).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { PlanEvent, PlanReading } from './plan.ts';

/** What a client believes the model holds, or what the controller holds: app -> unit -> workload status. */
export interface ModelView {
  applications: Record<string, { units: Record<string, string> }>;
}

/** The run's parameters, written first so that properties need nothing but the history. */
export interface RunParams {
  clients: string[];
  /** The version the scenario declares as tested (version-as-tested), if any. */
  testedVersion?: string;
  /** How long a client may go without a watcher after losing one, counting only time when the
   *  controller was up, not upgrading, and the client was not partitioned. */
  resumeDeadlineMs: number;
  /** How long a (non long-poll) request may stay unanswered. */
  requestDeadlineMs: number;
  /** Real time per model millisecond, on a real target (absent on the sim: model time only). Times
   *  in the history are model times; messages give the real ones too. */
  timeScale?: number;
  /** A program played client-0 (a --client-cmd, or a profile's own): the plan's removes were the
   *  operator's (controller/operator.ts). */
  program?: true;
  /** A --client-cmd program (the user's, not a profile's own) played client-0: the run judges that
   *  program, and a property that judges the client and the controller together leaves out what only
   *  the controller could have done (no-work-before-upgrade). */
  clientUnderTest?: true;
}

/** A stretch of a real-time run when a process's event loop did not run: it started at model
 *  time `t` and lasted `ms` model milliseconds. */
export type Stall = [t: number, ms: number];

export type Outcome = 'ok' | 'error' | 'closed' | 'timeout';
export type CloseReason = 'client' | 'agent-down' | 'fault';
/** Who stopped a watcher: its client (AllWatcher.Stop), its connection closing, or the controller
 *  itself with the connection still up (the multiwatcher behind it died: plan.ts `stop-watcher`). */
export type WatcherStopReason = 'client' | 'connection' | 'controller';

export type HistoryBody =
  // the run
  | { type: 'run-start'; scenario: string; target: string; seed: number; params: RunParams }
  | { type: 'event'; index: number; event: PlanEvent; applied: boolean; note?: string }
  | { type: 'fault-start'; fault: 'partition'; client: string }
  | { type: 'fault-end'; fault: 'partition'; client: string }
  /** Every message between the client and the controller delayed latencyMs more (plan.ts `slow`),
   *  until the matching fault-end. */
  | { type: 'fault-start'; fault: 'slow'; client: string; latencyMs: number }
  | { type: 'fault-end'; fault: 'slow'; client: string }
  /** The controller's every process frozen (docker pause, SIGSTOP; on the sim its work and its
   *  inbound traffic held), until the matching fault-end. */
  | { type: 'fault-start'; fault: 'pause' }
  | { type: 'fault-end'; fault: 'pause' }
  /** The controller killed (or stopped), until the matching fault-end: it is started again then,
   *  and recovers from what it kept on disk (controller/durable-state.ts). */
  | { type: 'fault-start'; fault: 'crash'; graceful?: boolean }
  | { type: 'fault-end'; fault: 'crash' }
  /**
   * The plan's last event is past, and `armed` of its faults tied to client activity have not
   * fired yet: the plan goes on (its faults in force, nothing healed) until they have fired, until
   * nothing is in motion (every client settled and the controller quiet: no moment is coming), or
   * until the controller has been available for `availableMs` of it (absent in older histories),
   * and until `untilMs` at the latest; quiescence follows (targets/closing.ts). Written only when a
   * tie is armed, so a run without one has no such record.
   */
  | { type: 'tie-wait'; armed: number; availableMs?: number; untilMs: number }
  | { type: 'quiescence' }
  /** The closing sequence's wait is over: `reached` says whether the controller was quiet and every
   *  client settled before the scenario's deadlines ran out (false: the run was cut short). */
  | { type: 'quiet'; reached: boolean }
  /** A real-time run's longest event-loop stall, the harness's or its controller's (whichever is
   *  longer), in model ms (real ms over the time scale): timers fired and answers came that late.
   *  `stalls`: every stall of either process long enough to count (lag-probe.ts), their union, in
   *  time order: what a deadline's window lost (properties/stall.ts). Absent in older histories. */
  | { type: 'lag'; stallMs: number; stalls?: Stall[] }
  /** `exitedAt`: a program's view, written as it exited at that time (it follows the model no more). */
  | { type: 'client-view'; client: string; watching: boolean; view: ModelView; exitedAt?: number }
  /** `charms`: the charm URL each application of the model runs (absent in older histories). */
  | { type: 'final-model'; version: string; model: ModelView; charms?: Record<string, string> }
  | { type: 'run-end' }
  // the controller
  | { type: 'bootstrap'; version: string; desired: string; available?: string }
  | { type: 'upgrade-requested'; explicit: boolean; requested?: string; chosen?: string; refused?: string }
  | { type: 'upgrade-pending'; from: string; to: string }
  | { type: 'download'; version: string; ok: boolean }
  /** 'crash': written by the controller that starts after a crash, when the agent was up as it died. */
  | { type: 'agent-down'; reason: 'upgrade' | 'restart' | 'crash' }
  | { type: 'agent-up'; version: string }
  | { type: 'version'; from: string; to: string }
  | { type: 'upgrade-steps'; version: string }
  | { type: 'upgrade-end'; version: string }
  | { type: 'conn-open'; conn: number; client: string }
  /**
   * A client's dial that the controller turned away because its agent was down (before bootstrap,
   * an upgrade's or a restart's agent restart): nothing served the API. The sim's network asks the
   * model; a server's plain port resets the socket before the WebSocket handshake and records it the
   * same way (Controller.admits). A dial refused at the TCP level by the agent's TLS port while the
   * agent is down is recorded by the live target when the client dials through its fault proxy (the
   * proxy is told: FaultProxy.onUpstreamRefused). Not recorded: a dial refused where nothing sees it
   * (a fault proxy before bootstrap, a TLS dial without a proxy), and one to a killed server (a
   * crash: the sim records none either).
   */
  | { type: 'conn-refused'; client: string }
  | { type: 'conn-close'; conn: number; client: string; reason: CloseReason }
  | { type: 'login'; conn: number; client: string; ok: boolean }
  | {
      type: 'request';
      conn: number;
      client: string;
      facade: string;
      method: string;
      accepted: boolean;
      error?: string;
      /** Applications a Deploy created or a DestroyApplication removed. */
      apps?: string[];
      /** The watcher an AllWatcher call named. */
      watcher?: string;
      /** A Deploy or DeployFromRepository, accepted or refused: the charm URL it asked for each
       *  application it named (what a retry sends shows against the first attempt). */
      charms?: Record<string, string>;
    }
  | { type: 'watcher-start'; conn: number; client: string; watcher: string }
  | { type: 'watcher-stop'; conn: number; client: string; watcher: string; reason: WatcherStopReason }
  | { type: 'hook-start'; unit: string; hook: string }
  | { type: 'hook-end'; unit: string; hook: string; result: 'ok' | 'interrupted' }
  /** A unit's status as the controller holds it (Juju keeps it as the unit's status history,
   *  `juju show-status-log`): written when the unit is created, whenever its workload or agent
   *  status changes (not its message), and when it is removed (workload `terminated`). */
  | { type: 'unit-status'; unit: string; workload: string; agent: string }
  // the clients
  | { type: 'invoke'; client: string; op: number; f: 'deploy'; value: { app: string; units: number } }
  | { type: 'invoke'; client: string; op: number; f: 'remove'; value: { app: string } }
  | { type: 'ok' | 'fail' | 'info'; client: string; op: number; f: 'deploy' | 'remove'; error?: string }
  | { type: 'call'; client: string; conn: number; call: number; facade: string; method: string; longPoll: boolean }
  | { type: 'return'; client: string; conn: number; call: number; outcome: Outcome; error?: string }
  | { type: 'client-conn'; client: string; conn: number; state: 'open' | 'closed' };

export type HistoryRecord = { t: number } & HistoryBody;
export type RecordType = HistoryRecord['type'];
export type RecordOf<T extends RecordType> = Extract<HistoryRecord, { type: T }>;
export type History = readonly HistoryRecord[];

/** Appends records stamped with the current time of the run's clock. */
export class Recorder {
  readonly records: HistoryRecord[] = [];
  private sealed = false;
  private lastT = -Infinity;
  constructor(private readonly now: () => number) {}
  /** Stamps `body` (a fresh object literal at every call site) with the time and keeps it. Adding
   *  `t` in place rather than copying the body is what keeps recording cheap in the sim; a body
   *  that carries `t` already (its last field, where it would be added: `t: 0` in the literal) has
   *  it overwritten, cheaper still: adding a field to a literal grows its storage. Records are in
   *  time order (properties rely on it): a clock that went back is a harness bug. */
  record(body: HistoryBody | HistoryRecord): void {
    if (this.sealed) return;
    const record = body as HistoryRecord;
    // `t` read from the local: the record's shape differs at every call site, so reading it back
    // from the record costs a megamorphic look-up each time.
    const t = this.now();
    record.t = t;
    if (t < this.lastT) assert.fail(`history record ${record.type} at t=${t} after one at t=${this.lastT}`);
    this.lastT = t;
    this.records.push(record);
  }
  /** Takes back the records a controller wrote before a crash (durable-state.ts), as if just written. */
  restore(records: readonly HistoryRecord[]): void {
    for (const r of records) {
      this.records.push(r);
      this.lastT = Math.max(this.lastT, r.t);
    }
  }
  /** The run is over: tearing down clients and controller is not part of the history. */
  seal(): void {
    this.sealed = true;
  }
}

/** The error of a refused AllWatcher.Next asked while the same watcher's previous Next is still
 *  unanswered: the controller serves one Next per watcher at a time (controller/api.ts), and
 *  watchers-resume judges the client that asked (a client matching answers to requests by
 *  request-id never does). */
export const NEXT_IN_FLIGHT_ERROR = 'watcher already has a Next in flight';
/** What a Next on a stopped watcher is answered (code `stopped`), as Juju's multiwatcher says it
 *  (state/watcher NewErrStopped; python-libjuju matches this text to start a new watcher). */
export const WATCHER_STOPPED_ERROR = 'watcher was stopped';

/** Whether plan event `index` has its event record in `records`: it acted, or, tied to a client's
 *  moment, fired or was dropped (a controller started after a crash does not arm it again). */
export function eventRecorded(records: readonly HistoryRecord[], index: number): boolean {
  return records.some((r) => r.type === 'event' && r.index === index);
}

/** What became of a plan event tied to client activity (its event record, in short): applied at `t`,
 *  or not (dropped at quiescence, or nothing to act on then). A real target's controller tells the
 *  harness at quiescence (wire/session.ts quiesce); the records themselves come at the run's end. */
export type TieOutcome = Pick<RecordOf<'event'>, 'index' | 't' | 'applied'>;

/** Records of one type, typed. */
export function recordsOf<T extends RecordType>(history: History, type: T): RecordOf<T>[] {
  return history.filter((r): r is RecordOf<T> => r.type === type);
}

export function readRunParams(history: History): RunParams {
  const start = history.find((r): r is RecordOf<'run-start'> => r.type === 'run-start');
  if (!start) throw new Error('history has no run-start record');
  return start.params;
}

/** How a history's plan reads: a program's run's removes are the operator's. A history without a
 *  run-start (none to print) reads as the built-in clients'. */
export function planReadingOf(history: History): PlanReading {
  const start = history.find((r): r is RecordOf<'run-start'> => r.type === 'run-start');
  return start?.params.program ? { program: true } : {};
}

/** A stable fingerprint of a history: same seed and plan on the sim give the same hash. */
export function historyHash(history: History): string {
  return createHash('sha256').update(JSON.stringify(history)).digest('hex').slice(0, 16);
}
