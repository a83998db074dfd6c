/**
 * The process target (`--target process`): the controller server as a separate OS process, one
 * process reused across runs (a reset between runs), plans played in real time scaled by
 * timeScale, clients over real sockets through per-client fault proxies. Besides the plan's
 * events, the controller process itself can be crashed (SIGKILL and a new process on the same
 * port) or paused (SIGSTOP / SIGCONT).
 */
import { randomBytes } from 'node:crypto';
import type { CommandOutput } from '../../clients/command-client.ts';
import type { Credentials } from '../../controller/api-types.ts';
import type { HistoryRecord } from '../../history.ts';
import type { Plan } from '../../plan.ts';
import type { RunConfig } from '../../run-config.ts';
import { ProxyPool } from '../live/proxies.ts';
import { runLive } from '../live/run.ts';
import type { RunArtifacts, Target } from '../target.ts';
import { ProcessBackend } from './backend.ts';
import { ServerProcess } from './server-process.ts';

export interface ProcessTargetOptions {
  /** Real time per model millisecond; default 0.02 (a plan plays fifty times faster than life). */
  timeScale?: number;
  /** A black-box client program instead of the scenario's client profile (`--client-cmd`). */
  clientCommand?: string;
  /** Port of the controller server; default any free one. */
  port?: number;
  credentials?: Credentials;
}

export const DEFAULT_TIME_SCALE = 0.02;

export class ProcessTarget implements Target {
  readonly name = 'process';
  private readonly proxies: ProxyPool;
  private readonly backend: ProcessBackend;
  private lastOutputs: CommandOutput[] = [];

  constructor(
    readonly server: ServerProcess,
    credentials: Credentials,
    private readonly options: ProcessTargetOptions,
  ) {
    this.backend = new ProcessBackend(server, credentials);
    this.proxies = new ProxyPool(() => ({ host: '127.0.0.1', port: server.port }));
  }

  async run(config: RunConfig, plan: Plan, seed: number): Promise<HistoryRecord[]> {
    await this.server.respawn(); // after a crash, or if the server died between runs
    this.lastOutputs = [];
    const result = await runLive(config, plan, seed, {
      target: 'process',
      timeScale: this.options.timeScale ?? DEFAULT_TIME_SCALE,
      backend: this.backend,
      proxies: this.proxies,
      ...(this.options.clientCommand !== undefined ? { clientCommand: this.options.clientCommand } : {}),
    });
    this.lastOutputs = result.outputs;
    return result.history;
  }

  artifacts(): RunArtifacts {
    return { clientOutputs: this.lastOutputs };
  }

  /** SIGKILL the controller process and start a new one on the same port (its state is lost). */
  crash(): Promise<void> {
    return this.server.crash();
  }

  /** SIGSTOP the controller process: it holds its sockets and answers nothing. */
  pause(): void {
    this.server.pause();
  }

  /** SIGCONT. */
  resume(): void {
    this.server.resume();
  }

  async close(): Promise<void> {
    await this.proxies.close();
    await this.server.stop();
  }
}

/** Starts the controller server process; throws TargetError (exit 3) when it cannot start. */
export async function createProcessTarget(options: ProcessTargetOptions = {}): Promise<ProcessTarget> {
  const credentials = options.credentials ?? { username: 'admin', password: randomBytes(12).toString('hex') };
  const server = await ServerProcess.start({
    credentials,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  return new ProcessTarget(server, credentials, options);
}
