/**
 * The controller server as a child process (harness/wire/server-main.ts, started with execa), and
 * the faults only a process has: crash (SIGKILL or SIGTERM, then a new process on the same port and
 * state folder: it takes back the durable sessions, the others are gone) and pause (SIGSTOP / SIGCONT: everything freezes,
 * sockets stay open, nothing answers). The child exits when its stdin closes, so it never outlives
 * the harness.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownEntry, PROJECT_ROOT } from '../../paths.ts';
import { execa, type ResultPromise } from 'execa';
import type { Credentials } from '../../controller/api-types.ts';
import { PASSWORD_ENV, READY_PREFIX, type TlsReady } from '../../wire/server-flags.ts';
import { TargetError } from '../../errors.ts';

export interface ServerProcessOptions {
  credentials: Credentials;
  /** 0 (default): any free port, kept across crashes. */
  port?: number;
  /** How long the child may take to say it listens. */
  readyTimeoutMs?: number;
}

const SERVER_MAIN = ownEntry('server-main', 'harness/wire/server-main.ts');
/**
 * A folder: the server runs under `node --cpu-prof` and writes its CPU profile there when it exits
 * (NODE_OPTIONS may not carry --cpu-prof). For profiling the process target: the harness's own side
 * is `node --cpu-prof bin/upgrade-chaos.js run --target process ...`.
 */
export const SERVER_CPU_PROF_ENV = 'UPGRADE_CHAOS_SERVER_CPU_PROF';
const STDERR_KEPT = 4_000;

type Child = ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; buffer: false; reject: false }>;

export class ServerProcess {
  private child: Child | undefined;
  private exited = true;
  private paused = false;
  private stderr = '';
  private respawning: Promise<void> | undefined;
  port: number;
  /** The CA every session's agent certificate chains to (the server serves TLS), and its file. */
  tls: { caCert: string; caCertFile: string } | undefined;
  private readonly tlsDir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-tls-'));
  /** Durable sessions (a plan that kills the server opens one), kept across kills. */
  private readonly stateDir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-state-'));

  private constructor(private readonly options: ServerProcessOptions) {
    this.port = options.port ?? 0;
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const server = new ServerProcess(options);
    await server.spawn(1);
    return server;
  }

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGKILL, then a new server on the same port. */
  async crash(): Promise<void> {
    await this.end('SIGKILL');
    await this.spawn();
  }

  /** SIGKILL, or SIGTERM with stdin closed (a clean shutdown, SIGKILL after 5 s); resolves once it is gone. */
  async kill(graceful: boolean): Promise<void> {
    if (graceful) this.child?.stdin.end();
    await this.end(graceful ? 'SIGTERM' : 'SIGKILL', graceful ? 5_000 : 0);
  }

  /** A new server on the same port and state folder. */
  async start(): Promise<void> {
    await this.spawn();
  }

  /** Starts a new server after the old one died (on the same port). */
  async respawn(): Promise<void> {
    if (this.respawning) return this.respawning; // alive already, not yet listening
    if (this.alive) return;
    // Runs in flight at once all find it dead: they wait for one new server.
    this.respawning ??= this.spawn().finally(() => (this.respawning = undefined));
    await this.respawning;
  }

  pause(): void {
    if (!this.child || !this.alive || this.paused) return;
    this.child.kill('SIGSTOP');
    this.paused = true;
    process.once('exit', this.killIfStopped);
  }

  resume(): void {
    if (!this.child || !this.alive || !this.paused) return;
    this.child.kill('SIGCONT');
    this.paused = false;
    process.off('exit', this.killIfStopped);
  }

  /** A stopped process holds the SIGTERM of execa's cleanup until a SIGCONT that would never come:
   *  a harness that exits while its server is paused kills it outright. */
  private readonly killIfStopped = (): void => {
    if (this.paused) this.child?.kill('SIGKILL');
  };

  async stop(): Promise<void> {
    this.resume();
    this.child?.stdin.end();
    await this.end('SIGTERM', 3_000);
    rmSync(this.tlsDir, { recursive: true, force: true });
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private async end(signal: NodeJS.Signals, graceMs = 0): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    if (signal !== 'SIGKILL') this.resume();
    child.kill(signal);
    const timer = graceMs > 0 ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
    await child;
    clearTimeout(timer);
    this.paused = false;
  }

  /** Right after a SIGKILL the port is free at once (listening sockets keep no TIME_WAIT), but a
   *  restart on the same port allows a couple of retries on a busy machine. */
  private async spawn(attempts = 3): Promise<void> {
    const { credentials, readyTimeoutMs = 30_000 } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        this.port = await this.spawnOnce(credentials, readyTimeoutMs);
        return;
      } catch (e) {
        if (attempt >= attempts || this.port === 0) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private spawnOnce(credentials: Credentials, readyTimeoutMs: number): Promise<number> {
    this.stderr = '';
    const child: Child = execa(
      process.execPath,
      [
        ...profilerArgs(),
        ...SERVER_MAIN.execArgv,
        SERVER_MAIN.file,
        '--port',
        String(this.port),
        '--username',
        credentials.username,
        // Every server process serves TLS too, its certificates kept in tlsDir across crashes.
        '--tls',
        '--tls-dir',
        this.tlsDir,
        '--state-dir',
        this.stateDir,
      ],
      {
        cwd: PROJECT_ROOT,
        // The password goes by environment, never on a command line anyone can read with ps.
        env: { [PASSWORD_ENV]: credentials.password },
        stdin: 'pipe',
        stdout: 'pipe',
        stderr: 'pipe',
        buffer: false,
        reject: false,
        cleanup: true,
      },
    );
    this.child = child;
    this.exited = false;
    this.paused = false;
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-STDERR_KEPT);
    });
    void child.then(() => {
      if (this.child === child) this.exited = true;
    });

    return new Promise<number>((resolve, reject) => {
      let out = '';
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(
          new TargetError(`the controller server did not start: ${why}${this.stderr ? `\n${this.stderr.trim()}` : ''}`),
        );
      };
      const timer = setTimeout(() => fail(`no ready line within ${readyTimeoutMs} ms`), readyTimeoutMs);
      const onData = (d: Buffer): void => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith(READY_PREFIX));
        if (!line) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume(); // nothing more is read; keep the pipe from filling
        const ready = JSON.parse(line.slice(READY_PREFIX.length)) as { port: number } & Partial<TlsReady>;
        if (ready.caCert && ready.caCertFile) this.tls = { caCert: ready.caCert, caCertFile: ready.caCertFile };
        resolve(ready.port);
      };
      child.stdout.on('data', onData);
      void child.then((r) => {
        if (out.includes(READY_PREFIX)) return;
        fail(`it exited (${r.signal ?? `code ${r.exitCode}`})`);
      });
    });
  }
}

function profilerArgs(): string[] {
  const dir = process.env[SERVER_CPU_PROF_ENV];
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}
