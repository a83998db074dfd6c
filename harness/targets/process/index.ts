/**
 * The process target (`--target process`): the controller server as a separate OS process, one
 * process for the whole exploration, each run on a controller session of its own there (its own
 * model UUID, clock, model and history), so many runs can be in flight at once. Plans are played
 * in real time scaled by timeScale, clients over real sockets through fault proxies of the run's
 * own. A plan's `pause` freezes the server process (SIGSTOP, then SIGCONT): that touches every
 * session on it, so such a run has the server alone (run-gate.ts); so does a plan's `crash`, which
 * kills the process (SIGKILL, or SIGTERM) and starts a new one on the same port and state folder,
 * where it takes back the sessions opened durable (the run's own, for a plan with a crash).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { CommandOutput } from '../../clients/command-client.ts';
import type { Credentials } from '../../controller/api-types.ts';
import type { HistoryRecord } from '../../history.ts';
import type { EventKind, Plan } from '../../plan.ts';
import type { RunConfig } from '../../run-config.ts';
import { ProxyPool } from '../live/proxies.ts';
import { runLive, type ControllerFreezer, type ControllerKiller } from '../live/run.ts';
import { RunGate } from '../live/run-gate.ts';
import { StartPacer } from '../live/start-pacer.ts';
import type { CaseRun, RunArtifacts, RunHooks, Target } from '../target.ts';
import { ProcessBackend } from './backend.ts';
import { ServerProcess } from './server-process.ts';

export interface ProcessTargetOptions {
  /** Real time per model millisecond; default 0.02 (a plan plays fifty times faster than life), 0.1
   *  with a client command (CLIENT_COMMAND_TIME_SCALE). */
  timeScale?: number;
  /** A black-box client program instead of the scenario's client profile (`--client-cmd`). */
  clientCommand?: string;
  /** Port of the controller server; default any free one. */
  port?: number;
  /** Every client dials wss:// (its run's agent TLS port); clients that need it dial it anyway. */
  tls?: boolean;
  credentials?: Credentials;
}

export const DEFAULT_TIME_SCALE = 0.02;
/**
 * The default with a --client-cmd program. Its start-up and its own retry timers run in real
 * seconds, which a time scale magnifies in model time (0.8 s of node start-up is 40 s of model time
 * at 0.02): at 0.02 a program connected after the implicit upgrade had ended, so the bootstrap race
 * it was brought to meet was never played (naive.mjs held no-work-before-upgrade in 10 of 10 runs;
 * at 0.1 it fails in the second). As the python-libjuju scenario plays at 1 for its library's waits.
 */
export const CLIENT_COMMAND_TIME_SCALE = 0.1;

/** Plan events that act on the whole server, every session on it: their run has it alone. */
const SERVER_WIDE_EVENTS: ReadonlySet<EventKind> = new Set(['pause', 'crash']);
/**
 * Runs in flight per core when the user does not say. A run spends almost all its time waiting for
 * scaled model time to pass, so many fit on a core: runs per second are about the runs in flight
 * over a run's real length, and a juju-1.24-gated-api run lasts 1.3-1.4 s at the default time scale
 * (4, 8 and 16 in flight gave 3.0, 5.8 and 10.9 runs/s on a loaded two-core machine), so 20 runs
 * per second need about 28 in flight before any slack. Each costs 30-40 ms of CPU (harness and
 * server together), so 48 on two idle cores keep them about half busy; on a loaded machine the
 * event loops lag and runs stall (their deadlines are then not judged: properties/stall.ts), and
 * fewer in flight (--concurrency) judge more of them.
 */
const RUNS_PER_CORE = 24;
/** Real milliseconds between two runs' starts at least (start-pacer.ts): 48 runs start within half a second. */
const RUN_START_SPACING_MS = 10;

/**
 * Where the controller server runs: a child process (ServerProcess) or a container
 * (targets/container/). Both keep their port across a crash.
 */
export interface ServerHost {
  readonly port: number;
  /** The CA the server's per-session agent TLS ports chain to, when it serves TLS. */
  readonly tls?: { caCert: string; caCertFile: string } | undefined;
  /** Starts a new server if the last one died. */
  respawn(): Promise<void>;
  /** Kill, then a new server on the same port (sessions not opened durable are lost). */
  crash(): Promise<void>;
  /** SIGKILL (graceful: SIGTERM, a clean shutdown) the server, and wait until it is gone. */
  kill(graceful: boolean): Promise<void>;
  /** A new server on the same port and state folder: it takes back every durable session. */
  start(): Promise<void>;
  /** Freeze every process of the server: sockets stay open, nothing answers. */
  pause(): void | Promise<void>;
  resume(): void | Promise<void>;
  stop(): Promise<void>;
}

export class ProcessTarget<S extends ServerHost = ServerHost> implements Target {
  readonly maxConcurrency = Infinity;
  /** A --client-cmd program is a process per run, whose start-up costs real CPU time that must stay
   *  short next to the scaled plan: one such run per core. */
  get defaultConcurrency(): number {
    return (this.options.clientCommand !== undefined ? 1 : RUNS_PER_CORE) * availableParallelism();
  }
  /** Fault proxies of runs that ended, for the next runs to reuse (no port churn). */
  private readonly idleProxies: ProxyPool[] = [];
  private readonly allProxies: ProxyPool[] = [];
  private lastOutputs: CommandOutput[] = [];
  /** A run that pauses the server has it alone (run-gate.ts); the others share it. */
  private readonly gate = new RunGate();
  private readonly pacer = new StartPacer(RUN_START_SPACING_MS);
  private readonly freezer: ControllerFreezer = {
    freeze: () => this.server.pause(),
    thaw: () => this.server.resume(),
  };
  private readonly killer: ControllerKiller = {
    kill: (graceful) => this.server.kill(graceful),
    start: () => this.server.start(),
  };

  constructor(
    readonly server: S,
    private readonly credentials: Credentials,
    private readonly options: ProcessTargetOptions,
    /** The container target is this one with its server in a container. */
    readonly name: 'process' | 'container' = 'process',
  ) {}

  async run(config: RunConfig, plan: Plan, seed: number, hooks?: RunHooks): Promise<HistoryRecord[]> {
    const result = await this.runCase(config, plan, seed, hooks);
    this.lastOutputs = result.clientOutputs;
    return result.history;
  }

  runCase(config: RunConfig, plan: Plan, seed: number, hooks?: RunHooks): Promise<CaseRun> {
    const alone = plan.some((e) => SERVER_WIDE_EVENTS.has(e.kind));
    return this.gate.run(alone, () => this.runOnServer(config, plan, seed, hooks));
  }

  private async runOnServer(config: RunConfig, plan: Plan, seed: number, hooks?: RunHooks): Promise<CaseRun> {
    await this.pacer.turn();
    await this.server.respawn(); // after a crash, or if the server died between runs
    const proxies = this.leaseProxies();
    try {
      const result = await runLive(config, plan, seed, {
        target: this.name,
        timeScale:
          this.options.timeScale ??
          config.scenario.timeScale ??
          (this.options.clientCommand !== undefined ? CLIENT_COMMAND_TIME_SCALE : DEFAULT_TIME_SCALE),
        backend: new ProcessBackend(this.server.port, this.credentials, this.server.tls),
        proxies,
        freezer: this.freezer,
        killer: this.killer,
        ...(this.options.clientCommand !== undefined ? { clientCommand: this.options.clientCommand } : {}),
        ...(this.options.tls ? { tls: true } : {}),
        ...hooks,
      });
      return { history: result.history, clientOutputs: result.outputs };
    } finally {
      this.idleProxies.push(proxies); // runLive leaves them healed and cut
    }
  }

  artifacts(): RunArtifacts {
    return { clientOutputs: this.lastOutputs };
  }

  /** SIGKILL the controller process and start a new one on the same port (its state is lost). */
  crash(): Promise<void> {
    return this.server.crash();
  }

  /** SIGSTOP the controller process (docker pause its container): it holds its sockets and
   *  answers nothing. */
  async pause(): Promise<void> {
    await this.server.pause();
  }

  /** SIGCONT (docker unpause). */
  async resume(): Promise<void> {
    await this.server.resume();
  }

  async close(): Promise<void> {
    await Promise.all(this.allProxies.map((p) => p.close()));
    await this.server.stop();
  }

  private leaseProxies(): ProxyPool {
    const idle = this.idleProxies.pop();
    if (idle) return idle;
    const pool = new ProxyPool(() => ({ host: '127.0.0.1', port: this.server.port }));
    this.allProxies.push(pool);
    return pool;
  }
}

/** Starts the controller server process; throws TargetError (exit 3) when it cannot start. */
export async function createProcessTarget(options: ProcessTargetOptions = {}): Promise<ProcessTarget<ServerProcess>> {
  const credentials = options.credentials ?? { username: 'admin', password: randomBytes(12).toString('hex') };
  const server = await ServerProcess.start({
    credentials,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  return new ProcessTarget(server, credentials, options);
}
