/**
 * The controller server in a Docker container, started with testcontainers, and the faults only a
 * container has: crash (docker kill or stop, then start the same container again: same port, and its
 * durable sessions back from the container's disk), pause (docker pause: the cgroup freezer stops every process, the classic Jepsen
 * pause) and stop/start. The container shares the host's network namespace, and the server binds
 * 127.0.0.1 only, so nothing is published beyond loopback.
 *
 * Ryuk (testcontainers' reaper) cannot be pulled here, so it is off and cleanup is ours: stop()
 * removes the container, and a process exit hook removes it if stop() never ran (the CLI's SIGINT
 * and SIGTERM handlers call stop() first; a crash of the harness still runs the hook). What no hook
 * survives (a SIGKILL: a test runner's worker that did not exit within 500 ms of its SIGTERM
 * because `docker rm -f` was slow under load) a reaper of our own covers, as Ryuk would: a
 * detached shell that removes the run's containers once the harness process is gone.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { StartedTestContainer } from 'testcontainers';
import type { Credentials } from '../../controller/api-types.ts';
import { IN_CONTAINER_ENV, PASSWORD_ENV, READY_PREFIX, type TlsReady } from '../../wire/server-flags.ts';
import { TargetError } from '../../errors.ts';
import type { ServerHost } from '../process/index.ts';

/** Every container of ours carries this label (`docker ps -a --filter label=upgrade-chaos`). */
export const CONTAINER_LABEL = 'upgrade-chaos';

/** Which harness process started a container: what cleanup after an interrupt removes. */
const RUN_LABEL = `${CONTAINER_LABEL}.run`;

const READY_TIMEOUT_MS = 30_000;
/** Signals whose default action ends the process without running its exit hooks. */
const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
/** Where the server keeps its CA and certificates inside the container: the container's own
 *  filesystem outlives a kill and a start, so every session's agent keeps chaining to one CA. */
const TLS_DIR_IN_CONTAINER = '/tmp/upgrade-chaos-tls';
/** Where the server keeps durable sessions (wire/session-store.ts): on the container's own disk,
 *  which a kill and a start keep, as a Juju controller's MongoDB keeps its files. */
const STATE_DIR_IN_CONTAINER = '/tmp/upgrade-chaos-state';

export class ContainerServer implements ServerHost {
  private paused = false;
  private turns: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The CA every session's agent TLS port chains to, copied out of the container's ready line. */
  tls: { caCert: string; caCertFile: string } | undefined;
  private readonly removeOnExit = (): void => {
    if (!this.stopped) removeRunContainers(this.runId);
    rmSync(this.hostTlsDir, { recursive: true, force: true });
  };
  private readonly hostTlsDir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-container-tls-'));
  /**
   * A signal that nobody else handles ends the process without its exit hooks: a test runner
   * tearing its workers down with SIGTERM after a failed test does that. Then remove the container
   * first and let the signal do what it would have. Where someone else listens (the CLI's
   * interrupt handler closes the target itself), leave it to them.
   */
  private readonly removeOnSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    this.removeOnExit();
    this.stopListening();
    process.kill(process.pid, signal);
  };

  private constructor(
    private readonly container: StartedTestContainer,
    private readonly runId: string,
    readonly port: number,
    private readonly reaper: ChildProcess | undefined,
  ) {
    process.once('exit', this.removeOnExit);
    for (const signal of EXIT_SIGNALS) process.on(signal, this.removeOnSignal);
  }

  private stopListening(): void {
    process.off('exit', this.removeOnExit);
    for (const signal of EXIT_SIGNALS) process.off(signal, this.removeOnSignal);
  }

  /** Starts the image's server on a free loopback port; TargetError (exit 3) when it cannot. */
  static async start(image: string, credentials: Credentials): Promise<ContainerServer> {
    process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
    const { GenericContainer, Wait } = await import('testcontainers');
    const port = await freeLoopbackPort();
    const runId = `${process.pid}-${randomBytes(4).toString('hex')}`;
    // Started before the container is asked for: whatever ends this process from now on, the
    // reaper removes what this start created.
    const reaper = startReaper(runId);
    // Until start() returns there is no container id and no target to close: an interrupt now
    // removes what this start created, by its label, and exits as an interrupt does. So does any
    // exit meanwhile: a second Ctrl-C makes the CLI's handler (cli/interrupt.ts, which runs first)
    // exit at once, and a container created or started then was left behind (the reaper looks
    // again later for a create the engine finishes after the exit).
    const removeStarted = (): void => removeRunContainers(runId);
    const interrupted = (): void => process.exit(130);
    process.once('SIGINT', interrupted).once('SIGTERM', interrupted).once('exit', removeStarted);
    try {
      const container = await new GenericContainer(image)
        .withNetworkMode('host')
        .withCommand([
          '--port',
          String(port),
          '--username',
          credentials.username,
          '--tls',
          '--tls-dir',
          TLS_DIR_IN_CONTAINER,
          '--state-dir',
          STATE_DIR_IN_CONTAINER,
        ])
        .withEnvironment({ [PASSWORD_ENV]: credentials.password, [IN_CONTAINER_ENV]: '1' })
        .withLabels({ [CONTAINER_LABEL]: 'controller', [RUN_LABEL]: runId })
        .withWaitStrategy(Wait.forLogMessage(READY_PREFIX))
        .withStartupTimeout(READY_TIMEOUT_MS)
        .start();
      const server = new ContainerServer(container, runId, port, reaper);
      await server.readTls();
      return server;
    } catch (e) {
      removeRunContainers(runId);
      reaper?.kill();
      throw new TargetError(`the controller container did not start: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      process.off('SIGINT', interrupted).off('SIGTERM', interrupted).off('exit', removeStarted);
    }
  }

  /** The ready line's CA (the container's path to it means nothing here: a copy on this machine). */
  private async readTls(): Promise<void> {
    const logs = await execa('docker', ['logs', this.id], { reject: false });
    const line = logs.stdout.split('\n').find((l) => l.startsWith(READY_PREFIX));
    const ready = line ? (JSON.parse(line.slice(READY_PREFIX.length)) as Partial<TlsReady>) : {};
    if (!ready.caCert) return;
    const caCertFile = join(this.hostTlsDir, 'ca.pem');
    writeFileSync(caCertFile, ready.caCert);
    this.tls = { caCert: ready.caCert, caCertFile };
  }

  get id(): string {
    return this.container.getId();
  }

  /** The container dies only when we kill or stop it, and then we start it again ourselves. */
  async respawn(): Promise<void> {}

  async crash(): Promise<void> {
    await docker('kill', this.id);
    this.paused = false;
    await docker('start', this.id);
    await this.untilListening();
  }

  /** docker pause; pauses and resumes are done one after another, each seeing the last one's state. */
  pause(): Promise<void> {
    return this.inTurn(async () => {
      if (this.paused) return;
      await docker('pause', this.id);
      this.paused = true;
    });
  }

  resume(): Promise<void> {
    return this.inTurn(async () => {
      if (!this.paused) return;
      await docker('unpause', this.id);
      this.paused = false;
    });
  }

  private inTurn(op: () => Promise<void>): Promise<void> {
    const next = this.turns.then(op);
    this.turns = next.catch(() => {});
    return next;
  }

  /** docker kill (graceful: docker stop, SIGTERM and a clean shutdown); resolves once it has exited. */
  async kill(graceful: boolean): Promise<void> {
    await this.resume();
    if (graceful) await docker('stop', '--time', '5', this.id);
    else await docker('kill', this.id);
  }

  /** docker start: the server in it takes back its durable sessions from the container's disk. */
  async start(): Promise<void> {
    await docker('start', this.id);
    await this.untilListening();
  }

  /** docker stop then start: the server gets SIGTERM and closes cleanly; a new one takes the port. */
  async stopAndStart(): Promise<void> {
    await this.resume();
    await docker('stop', '--time', '5', this.id);
    await docker('start', this.id);
    await this.untilListening();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.resume();
    await this.container.stop({ remove: true, timeout: 3_000 });
    this.stopped = true;
    this.stopListening();
    this.reaper?.kill(); // nothing of this run is left to reap
    rmSync(this.hostTlsDir, { recursive: true, force: true });
  }

  /** After a start, until the server accepts connections again (its ready line is in the logs
   *  of the earlier start too, so the port is what tells). */
  private async untilListening(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await accepts(this.port))) {
      if (Date.now() > deadline)
        throw new TargetError(`the controller container did not listen again on port ${this.port}`);
      await sleep(50);
    }
  }
}

/** How long after an exit during start-up a create the engine was still serving has surely landed. */
const SWEEP_AFTER_S = 3;

/**
 * A detached shell (its own process group: a terminal's Ctrl-C does not reach it) that waits for
 * this process to be gone, however it went, then removes the run's containers; and again a little
 * later, for an exit during start-up while the engine was still creating the container (no `docker
 * ps` lists it yet, and it appears once this process is gone: a "Created" container was seen left
 * behind that way under load). stop() kills it once the run's container is removed.
 */
function startReaper(runId: string): ChildProcess | undefined {
  const sweep = `ids=$(docker ps -aq --filter "label=${RUN_LABEL}=${runId}"); [ -z "$ids" ] || docker rm -f $ids`;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done; ${sweep}; sleep ${SWEEP_AFTER_S}; ${sweep}`;
  try {
    const reaper = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
    reaper.on('error', () => {}); // no shell to spawn: the exit hooks are all there is
    reaper.unref();
    return reaper;
  } catch {
    return undefined;
  }
}

/** Removes every container of one harness process, synchronously (exit hooks cannot wait). */
function removeRunContainers(runId: string): void {
  try {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${RUN_LABEL}=${runId}`], { encoding: 'utf8' })
      .split('\n')
      .filter((id) => id !== '');
    if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  } catch {
    // The engine went away: there is nothing left we could remove.
  }
}

/** One clear line when there is no Docker engine to talk to. */
export async function requireDocker(): Promise<void> {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false });
  if (info.exitCode === 0) return;
  throw new TargetError(
    'no Docker engine answers (`docker info` failed): start one (`sudo systemctl start docker`, or `sudo dockerd &`) and try again, or use --target process',
  );
}

async function docker(...args: string[]): Promise<void> {
  const r = await execa('docker', args, { reject: false });
  if (r.exitCode !== 0) throw new TargetError(`docker ${args[0]} failed: ${r.stderr.trim()}`);
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
