/**
 * A client profile is a deployment script under test. It is written once against a Dialer and a
 * Scheduler, so the same client runs in the sim and over real sockets.
 */
import type { Scheduler } from '../clock.ts';
import type { Credentials } from '../controller/api-types.ts';
import type { ModelView, Recorder } from '../history.ts';
import type { CharmSource } from '../plan.ts';
import type { Rng } from '../rng.ts';
import type { Dialer } from './connection.ts';

export interface ClientEnv {
  name: string;
  clock: Scheduler;
  rng: Rng;
  history: Recorder;
  dial: Dialer;
  credentials: Credentials;
  /** How long one deploy may take before the client gives up on it. */
  deployDeadlineMs: number;
  /** Where the controller's clients take charms from (plan.ts charmSourceOf): the charm store on
   *  Juju 1.x, Charmhub on Juju 3, which refuses `cs:` URLs. */
  charmSource: CharmSource;
  /** The controller's model URL, on real-socket targets only: clients that bring their own
   *  connection code (a real client library) dial it instead of using `dial`. */
  url?: string;
  /** With a wss:// url: the controller's CA certificate (PEM), and a file holding it. */
  tls?: { caCert: string; caCertFile: string };
}

export interface Client {
  /** The script starts (right after bootstrap). */
  start(): void;
  /** The script is asked to deploy an application: one operation in the history. */
  deploy(app: string, units: number): void;
  /** The script is asked to remove an application: one operation in the history. False when
   *  there is nothing to act on. Absent when the script cannot (a black box, a real library). */
  remove?(app: string): boolean;
  /** Stop the watcher (AllWatcher.Stop) and start a new one: now, or once the watcher is next live
   *  and has delivered; false when the script gave up (it will never watch again). */
  rewatch?(): boolean;
  /** Nothing in progress: no operation pending, and the watcher is live or given up for good. */
  settled(): boolean;
  /** What the client's watcher shows now. */
  /** `exitedAt`: a client that exited (a program) took this view then, and follows the model no more. */
  view(): { watching: boolean; view: ModelView; exitedAt?: number };
  /** Stop every timer and connection (end of run). */
  stop(): void;
}

export interface ClientProfile {
  name: string;
  summary: string;
  /** Brings its own connection code (a real client library): runs on real-socket targets only. */
  realSocketsOnly?: boolean;
  /** Dials wss:// only (python-libjuju): real targets give it the controller's TLS port and CA. */
  tls?: boolean;
  /** A program of its own, run as `--client-cmd` runs one (command-client.ts): the command line.
   *  Such a profile is realSocketsOnly, and `create` is never called. */
  command?: () => string;
  /** Loads what its clients need before a real run's clock starts (a library's import): on a busy
   *  machine that can take seconds of real time, which a scaled clock would count as minutes. A
   *  profile that is a program checks here that it can run (a TargetError when it cannot). */
  prepare?(): Promise<void>;
  create(env: ClientEnv): Client;
}
