/**
 * What a real-time run needs from the controller it drives. The process target's backend is a
 * controller server it started (admin endpoint, full controller-side history); the external
 * target's is a controller it only reaches through the API (no controller-side history).
 */
import type { Credentials } from '../../controller/api-types.ts';
import type { UpgradeRequest } from '../../controller/api-types.ts';
import type { HistoryRecord, ModelView, Stall, TieOutcome } from '../../history.ts';
import type { PlanEvent } from '../../plan.ts';
import type { RunConfig } from '../../run-config.ts';

export interface ActionOutcome {
  applied: boolean;
  note?: string;
}

export interface ControllerSnapshot {
  /** Controller-side records of this run, in the run's time (empty when the controller cannot tell). */
  records: HistoryRecord[];
  version: string;
  model: ModelView;
  /** The charm URL each application runs (absent: the controller cannot tell). */
  charms?: Record<string, string>;
  /** The controller's longest event-loop stall during the run, real ms (absent: it cannot tell). */
  stallMs?: number;
  /** The controller's stalls during the run, in the run's model time (absent: it cannot tell). */
  stalls?: Stall[];
}

/** The agent's TLS port and the CA its certificate chains to. */
export interface TlsEndpoint {
  port: number;
  caCert: string;
  caCertFile: string;
}

export interface ControllerBackend {
  /** Where the fault proxies forward to: the plain port, and the TLS one when the controller has one. */
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsEndpoint | undefined;
  readonly credentials: Credentials;
  /** The controller serves clients before the plan's bootstrap (an external one, bootstrapped before
   *  the run). Otherwise the fault proxies refuse connections until bootstrap, as a controller that
   *  is not up yet does. */
  readonly upBeforeBootstrap?: boolean;
  /** The path (and query) of the model endpoint for a client, e.g. /model/<uuid>/api?client=client-0. */
  modelPath(client: string): string;
  /** A fresh controller for a run whose time zero is originEpochMs. `soleClient`: the run's only
   *  client is a program that builds its own URLs; connections that do not name a client are its. */
  begin(run: {
    config: RunConfig;
    seed: number;
    timeScale: number;
    originEpochMs: number;
    soleClient?: string;
    /** The plan kills the controller: keep the run's controller on disk, to come back with it. */
    durable?: boolean;
  }): Promise<void>;
  /** `up`: the controller now serves clients, so the run starts them. `operatorApps`: the model
   *  starts with these applications of the operator's (controller/operator.ts; a controller that
   *  cannot add them ignores them). */
  bootstrap(operatorApps?: readonly string[]): Promise<ActionOutcome & { up: boolean }>;
  publish(version: string): Promise<ActionOutcome>;
  upgrade(request: UpgradeRequest): Promise<ActionOutcome>;
  restart(): Promise<ActionOutcome>;
  /** The controller stops `client`'s live watchers, its connections staying up (plan.ts
   *  `stop-watcher`; absent: it cannot). */
  stopWatchers?(client: string): Promise<ActionOutcome>;
  /** Bootstrapped, up, and no upgrade pending or running (a chained upgrade waits for it).
   *  `waitMs` (real): a controller that can tell when it gets there (the process target's) answers
   *  once it does, or after that long; others answer at once. */
  upgradeIdle(waitMs?: number): Promise<boolean>;
  /** Nothing in motion on the controller (no upgrade, no hook): quiescence waits for it. `waitMs`
   *  as for upgradeIdle. */
  quiet(waitMs?: number): Promise<boolean>;
  /** The run is over: the controller-side records and what the model holds. */
  snapshot(): Promise<ControllerSnapshot>;
  /** Arms plan event `index`, a fault tied to a client's API activity or the operator's removal in
   *  a program's run (plan.ts operatorRemovalTie), in the controller, which applies it and records
   *  it when it fires (absent: the controller cannot, and has no operator). */
  arm?(index: number, event: PlanEvent, client: string): Promise<ActionOutcome>;
  /** How many armed faults tied to API activity have not fired yet; `waitMs` (real): a controller
   *  that can tell when none is left answers once none is, or after that long (absent: it arms none). */
  armedTies?(waitMs?: number): Promise<number>;
  /** The run's quiescence: the controller fires none of the armed faults any more (recording each
   *  as not applied) and ends those in force that it made itself (absent: it arms none). Resolves
   *  with what became of every tie it armed: when each fired, or that it did not. */
  quiesce?(): Promise<readonly TieOutcome[]>;
  /** After the run, whatever it ended: let go of the run's controller (the process target's session). */
  end?(): Promise<void>;
}
