/**
 * A black-box client: any program (any language) that deploys a bundle, run once per run with
 * execa (`--client-cmd "COMMAND"`). The plan's deploy events are replaced by "start the command"
 * (at the first of them) with a bundle of every application the plan deploys. The program gets:
 *   UPGRADE_CHAOS_API_URL      the model endpoint to use (through the fault proxy)
 *   UPGRADE_CHAOS_USERNAME / UPGRADE_CHAOS_PASSWORD
 *   UPGRADE_CHAOS_BUNDLE       {"applications": {"NAME": {"charm": "CHARM", "num_units": N}}}
 *   UPGRADE_CHAOS_VIEW_FILE    where it may write what its watcher saw:
 *                              {"applications": {"NAME": {"units": {"NAME/0": "active"}}}}
 *   UPGRADE_CHAOS_DEADLINE_MS  how long it has (real milliseconds), counted by the harness from its
 *                              first connection to the URL (its start-up is not its deployment's
 *                              time), and at most as long again from its launch to that connection
 *   UPGRADE_CHAOS_TIME_SCALE   real milliseconds per millisecond of model time (the run's
 *                              --time-scale): a program's real waits are that many times shorter
 *                              in model time, which the deadlines and reconnect-backoff judge
 *   UPGRADE_CHAOS_CA_CERT / UPGRADE_CHAOS_CA_CERT_FILE
 *                              with a wss:// URL: the controller's CA certificate (PEM) and a file
 *                              holding it (python-libjuju's `cacert`)
 * and exits 0 when it believes the bundle is deployed. The history gets one invoke per bundle
 * application when it starts, ok / fail for each from its exit status (or its deadline, when it is
 * killed), and its view file as its client-view; the controller side records everything else.
 *
 * Why the deadline waits for the first connection: a program's start-up is the interpreter and its
 * imports (python-libjuju's took 22 s on a machine at load 25), real time that a scaled clock counts
 * many times over and that says nothing of how it deploys; a team's own deadline counts from when
 * its script starts working. The first connection is the first thing the program does that the run
 * sees (the fault proxy accepts it: a dial, whatever becomes of it). A program that never makes one
 * is killed a deadline after its launch and fails with that reason: nothing lets it pass.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import type { TimerHandle } from '../clock.ts';
import type { ModelView } from '../history.ts';
import { charmUrlOf, type CharmSource, type Plan } from '../plan.ts';
import type { Client, ClientEnv } from './client.ts';
import { UsageError } from '../errors.ts';
import { lastOwnLine } from './last-own-line.ts';
import { holdProcessGroup, holdTempDir, releaseProcessGroup, releaseTempDir, signalGroup } from '../children.ts';

export interface Bundle {
  applications: Record<string, { charm: string; num_units: number }>;
}

/** What the program printed and how it ended, kept with the run so a failing run can show it. */
export interface CommandOutput {
  client: string;
  command: string;
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  /** Why the harness stopped the program while it still ran (a shrink candidate cut, an interrupt):
   *  its signal is then the harness's doing, not a sign of how the program behaves. */
  stoppedBy?: string;
  /** Whether it made a connection to its URL (one the URL accepted) while it ran; unknown without
   *  the URL's count. A dial refused (before bootstrap, while the agent is down) is not one. */
  connected?: boolean;
  stdout: string;
  stderr: string;
}

export interface CommandClientOptions {
  command: string;
  bundle: Bundle;
  /** Real time per model millisecond: the program lives in real time, the run's deadlines are model time. */
  timeScale: number;
  cwd?: string;
  /** How the program reaches its URL, to tell a program that cannot work at all from one that lost a
   *  race: connections made to the URL so far, and whether the URL refuses dials now; `onConnection`
   *  has `listener` told of each connection made to it from now on (its deadline starts at the
   *  first). Without it the deadline counts from the launch. */
  reach?: { connections(): number; refusing(): boolean; onConnection(listener: () => void): void };
  /** Called at once when the program turns out unusable (see `fatal`), so the run can stop then. */
  onFatal?: (error: Error) => void;
  /** Makes the error of an unusable program: a UsageError (the user's --client-cmd) by default. */
  unusable?: (message: string) => Error;
  /** What the program is called in that error (default: `--client-cmd "COMMAND"`). */
  label?: string;
}

/** Kept of each stream: the end of it, where a failure shows. */
const OUTPUT_LIMIT = 64 * 1024;
/** Real time between SIGTERM and SIGKILL at the deadline. */
const KILL_GRACE_MS = 1_000;

/** The bundle of every application the plan deploys (deploy events of any client), its charms
 *  named as the controller's clients name them (Charmhub names for a Juju 3 controller). */
export function bundleFromPlan(plan: Plan, source: CharmSource = 'charm-store'): Bundle {
  const applications: Bundle['applications'] = {};
  for (const e of plan)
    if (e.kind === 'deploy') applications[e.app] ??= { charm: charmUrlOf(e.app, source), num_units: e.units };
  return { applications };
}

export class CommandClient implements Client {
  private started = false;
  private exited = false;
  /** When the program exited (model time): its view file was written then. */
  private exitedAt: number | undefined;
  private stopped = false;
  /** Why stop() found the program still running, for its output. */
  private stoppedWhy: string | undefined;
  private pid: number | undefined;
  private deadline: TimerHandle | undefined;
  /** Whether its deadline counts from its first connection yet (else from its launch: working()). */
  private working = false;
  private timedOut = false;
  private readonly ops = new Map<number, string>(); // op -> app, until reported
  private readonly dir = holdTempDir(mkdtempSync(join(tmpdir(), 'upgrade-chaos-client-')));
  private readonly viewFile = join(this.dir, 'view.json');
  private reported: ModelView | undefined;
  private result: CommandOutput | undefined;
  private ended: Promise<void> = Promise.resolve();
  private released: Promise<void> | undefined;
  /** Set when the program could not be run at all, or exited non-zero without ever dialling the URL it
   *  was given while that URL took connections: it tested nothing, so that is an error, not a verdict. */
  fatal: Error | undefined;
  /** At launch: the URL's connections so far, when it was taking connections (else undefined). */
  private connectionsAtLaunch: number | undefined;
  /** At launch: the URL's connections so far, whether it was taking connections or not. */
  private acceptedAtLaunch: number | undefined;
  private readonly url: string;

  constructor(
    private readonly env: ClientEnv,
    private readonly options: CommandClientOptions,
  ) {
    if (!env.url) throw new UsageError('--client-cmd needs a real target (--target process, container or external)');
    this.url = env.url;
  }

  /** The program starts at the first deploy event, not at bootstrap. */
  start(): void {}

  /** Whether the program has been started (by the first deploy). */
  get launched(): boolean {
    return this.started;
  }

  deploy(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    let op = 0;
    for (const [app, spec] of Object.entries(this.options.bundle.applications)) {
      this.ops.set(++op, app);
      this.env.history.record({
        type: 'invoke',
        client: this.env.name,
        op,
        f: 'deploy',
        value: { app, units: spec.num_units },
      });
    }
    this.spawn();
  }

  settled(): boolean {
    return !this.started || this.exited;
  }

  /** Whether the program wrote a view file: without one there is no view to judge. */
  get reportedView(): boolean {
    return this.reported !== undefined;
  }

  view(): { watching: boolean; view: ModelView; exitedAt?: number } {
    const view = this.reported ?? { applications: {} };
    return this.exitedAt === undefined ? { watching: false, view } : { watching: false, view, exitedAt: this.exitedAt };
  }

  output(): CommandOutput | undefined {
    return this.result;
  }

  /** Kills the program (its whole process group) if it still runs, `why` saying what ended its run;
   *  gone() says when it has exited. */
  stop(why = 'its run ended'): void {
    if (this.started && !this.exited && !this.stopped && !this.timedOut) this.stoppedWhy = why;
    this.stopped = true;
    this.deadline?.cancel();
    if (!this.exited) this.kill('SIGKILL');
    this.released ??= this.ended.then(() => releaseTempDir(this.dir));
  }

  /** After stop(): resolves once the program has exited (its output is complete) and its folder is gone. */
  gone(): Promise<void> {
    return this.released ?? Promise.resolve();
  }

  private spawn(): void {
    const { command, bundle, timeScale, cwd } = this.options;
    const deadlineMs = this.env.deployDeadlineMs;
    const subprocess = execa(command, {
      shell: true,
      // Its own process group, so the deadline kills the program and not only the shell around it.
      detached: true,
      cleanup: true,
      stdin: 'ignore',
      reject: false,
      // Not buffered by execa (its maxBuffer ends the pipe, and the program then dies of EPIPE): the
      // streams are read here to the end, keeping their tails.
      buffer: false,
      ...(cwd !== undefined ? { cwd } : {}),
      env: {
        UPGRADE_CHAOS_API_URL: this.url,
        UPGRADE_CHAOS_USERNAME: this.env.credentials.username,
        UPGRADE_CHAOS_PASSWORD: this.env.credentials.password,
        UPGRADE_CHAOS_BUNDLE: JSON.stringify(bundle),
        UPGRADE_CHAOS_VIEW_FILE: this.viewFile,
        UPGRADE_CHAOS_DEADLINE_MS: String(Math.max(1, Math.round(deadlineMs * timeScale))),
        UPGRADE_CHAOS_TIME_SCALE: String(timeScale),
        ...(this.env.tls
          ? { UPGRADE_CHAOS_CA_CERT: this.env.tls.caCert, UPGRADE_CHAOS_CA_CERT_FILE: this.env.tls.caCertFile }
          : {}),
      },
    });
    const reach = this.options.reach;
    this.acceptedAtLaunch = reach?.connections();
    if (reach && !reach.refusing()) this.connectionsAtLaunch = this.acceptedAtLaunch;
    this.pid = subprocess.pid;
    if (this.pid !== undefined) holdProcessGroup(this.pid);
    const stdout = keepTail(subprocess.stdout);
    const stderr = keepTail(subprocess.stderr);
    // Until its first connection, one deadline to make it at all; from it, the deadline anew.
    const unconnected = reach ? ': it never connected to the controller (UPGRADE_CHAOS_API_URL)' : '';
    this.deadline = this.env.clock.after(deadlineMs, () => this.expire(unconnected));
    if (reach) reach.onConnection(() => this.startedWorking());
    else this.working = true;
    this.ended = subprocess.then(async (r) => this.exit(r, await stdout, await stderr));
  }

  /** Its first connection to the URL: its deadline counts from now. */
  private startedWorking(): void {
    if (this.working || this.exited || this.stopped || this.timedOut) return;
    this.working = true;
    this.deadline?.cancel();
    this.deadline = this.env.clock.after(this.env.deployDeadlineMs, () => this.expire(''));
  }

  /** Its deadline passed: its deploys fail (`why`: what it had not done by then), and it is killed. */
  private expire(why: string): void {
    this.timedOut = true;
    this.finishAll('fail', `deadline exceeded (${this.env.deployDeadlineMs} ms)${why}`);
    this.kill('SIGTERM');
    setTimeout(() => this.kill('SIGKILL'), KILL_GRACE_MS).unref();
  }

  private exit(r: Result, stdout: string, stderr: string): void {
    this.exited = true;
    this.exitedAt = this.env.clock.now();
    if (this.pid !== undefined) {
      // The program is gone; what it forked may not be: its group goes with it.
      this.kill('SIGKILL');
      releaseProcessGroup(this.pid);
    }
    this.deadline?.cancel();
    const accepted = this.options.reach?.connections();
    this.result = {
      client: this.env.name,
      command: this.options.command,
      timedOut: this.timedOut,
      ...(this.stoppedWhy !== undefined ? { stoppedBy: this.stoppedWhy } : {}),
      ...(accepted !== undefined && this.acceptedAtLaunch !== undefined
        ? { connected: accepted > this.acceptedAtLaunch }
        : {}),
      stdout,
      stderr,
      ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      ...(r.signal !== undefined ? { signal: r.signal } : {}),
    };
    if (this.stopped) return;
    const said = lastOwnLine(stderr, stdout);
    const why = this.unusable(r, stderr, said);
    if (why) {
      const label = this.options.label ?? `--client-cmd "${this.options.command}"`;
      this.fatal = (this.options.unusable ?? ((m: string) => new UsageError(m)))(`${label} ${why}`);
      this.options.onFatal?.(this.fatal);
    }
    this.reported = readView(this.viewFile);
    if (r.exitCode === 0) this.finishAll('ok');
    else
      this.finishAll(
        'fail',
        `${r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`}${said ? `: ${said}` : ''}`,
      );
  }

  /** Why the program's end shows it cannot work at all, if it does: the shell could not run the command,
   *  or it exited non-zero without dialling its URL, which was taking connections all along (a program
   *  launched before bootstrap, whose dials are refused, may give up without a connection: that is judged). */
  private unusable(r: Result, stderr: string, lastSaid: string): string | undefined {
    const said = lastSaid || r.message;
    // The shell itself says 127 (not found) or 126 (not executable), on a line of its own: then the
    // command line is wrong, not the script. A script may exit 127 for reasons of its own.
    const shellRefused = (r.exitCode === 126 || r.exitCode === 127) && /^(\/bin\/)?sh: /m.test(stderr);
    if (shellRefused || (r.failed && r.exitCode === undefined && r.signal === undefined))
      return `could not be run: ${said}`;
    const before = this.connectionsAtLaunch;
    const neverDialled = before !== undefined && this.options.reach?.connections() === before;
    if (neverDialled && !this.timedOut && r.exitCode !== undefined && r.exitCode !== 0)
      return `exited with code ${r.exitCode} before it connected to the controller (UPGRADE_CHAOS_API_URL): ${said}`;
    return undefined;
  }

  private finishAll(outcome: 'ok' | 'fail', error?: string): void {
    for (const op of this.ops.keys()) {
      this.env.history.record({
        type: outcome,
        client: this.env.name,
        op,
        f: 'deploy',
        ...(error !== undefined ? { error } : {}),
      });
    }
    this.ops.clear();
  }

  private kill(signal: NodeJS.Signals): void {
    if (this.pid !== undefined) signalGroup(this.pid, signal);
  }
}

/** How the program ended, in words: a kill of the harness's own (a deadline, a run it stopped) says
 *  so, as the program's signal alone would read as the program misbehaving. */
export function commandStatus(o: CommandOutput): string {
  if (o.timedOut) return 'killed at its deadline';
  if (o.stoppedBy !== undefined)
    return `still running when the harness stopped it (${o.stoppedBy})${o.signal ? `, with ${o.signal}` : ''}`;
  return o.signal ? `killed by ${o.signal}` : `exited ${o.exitCode}`;
}

/** Reads a stream to its end, keeping its last OUTPUT_LIMIT characters. */
async function keepTail(stream: NodeJS.ReadableStream | null): Promise<string> {
  let kept = '';
  if (!stream) return kept;
  stream.setEncoding('utf8');
  for await (const chunk of stream) kept = tail(kept + (chunk as string));
  return kept;
}

/** The view file, if the program wrote a well-formed one. */
function readView(path: string): ModelView | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const apps = (value as { applications?: unknown } | null)?.applications;
  if (typeof apps !== 'object' || apps === null) return undefined;
  const applications: ModelView['applications'] = {};
  for (const [name, app] of Object.entries(apps as Record<string, unknown>)) {
    const units = (app as { units?: unknown } | null)?.units;
    const out: Record<string, string> = {};
    if (typeof units === 'object' && units !== null) for (const [u, s] of Object.entries(units)) out[u] = String(s);
    applications[name] = { units: out };
  }
  return { applications };
}

function tail(text: string): string {
  return text.length > OUTPUT_LIMIT ? `…${text.slice(-OUTPUT_LIMIT)}` : text;
}
