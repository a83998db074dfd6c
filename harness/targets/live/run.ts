/**
 * One run in real time, shared by the process and external targets: simulate.ts's run, played on
 * a RealScheduler (every duration scaled by timeScale) against a controller over real sockets.
 * Each client talks through its own fault proxy; plan events go through schedulePlan and the
 * World actions, one at a time in plan order; the run ends with the closing sequence every target
 * shares (closing.ts). The harness's records and the controller's are merged into one history of
 * the sim's schema.
 */
import { RealScheduler, ScopedScheduler, epochNow, type Scheduler } from '../../clock.ts';
import type { Client, ClientEnv } from '../../clients/client.ts';
import { bundleFromPlan, CommandClient, type CommandOutput } from '../../clients/command-client.ts';
import { Recorder, type HistoryRecord, type RunParams, type TieOutcome } from '../../history.ts';
import { activityTie, charmSourceOf, clientName, operatorApp, operatorRemovalTie, type Plan } from '../../plan.ts';
import { seededRng, type Rng } from '../../rng.ts';
import { runParamsFor, type RunConfig } from '../../run-config.ts';
import { wsDialer } from '../../wire/ws-dialer.ts';
import type { RunHooks, TargetName } from '../target.ts';
import { closeRun, type SettledTie } from '../closing.ts';
import {
  ArmedTies,
  clientAction,
  schedulePlan,
  TIED_REMOVE_NOT_APPLIED,
  WaitingEvents,
  type Applied,
  type ArmedTie,
  type World,
} from '../world.ts';
import type { ControllerBackend, ControllerSnapshot } from './backend.ts';
import { mergeHistories } from './merge.ts';
import { HoldableClock } from './plan-clock.ts';
import type { ProxyPool } from './proxies.ts';
import type { FaultProxy } from '../../faults/proxy.ts';
import { TargetError, UsageError } from '../../errors.ts';
import { openLagWindow, unionStalls, type LagWindow } from '../../lag-probe.ts';

export interface LiveOptions extends RunHooks {
  target: TargetName;
  /** Real time per model millisecond (0.05: twenty times faster than life). */
  timeScale: number;
  backend: ControllerBackend;
  proxies: ProxyPool;
  /** A black-box client program: the run's only client (see command-client.ts). */
  clientCommand?: string;
  /** ws or wss, as the controller speaks (the external target: its URL's). */
  scheme?: 'ws' | 'wss';
  /** Clients dial the agent's TLS port (backend.tls) with wss://, through proxies in front of it;
   *  a client profile that only speaks TLS (python-libjuju) does so whatever this says. */
  tls?: boolean;
  /** How to freeze and thaw the controller's every process (SIGSTOP / docker pause): the targets
   *  that started their controller have it; without it a `pause` event is not applied. */
  freezer?: ControllerFreezer;
  /** How to kill and start the controller server (the targets that started it); without it a
   *  `crash` event is not applied. */
  killer?: ControllerKiller;
}

/** Kills (or, graceful, stops) the controller server whole, and starts it again on the same port
 *  and state folder, where it takes its durable sessions back (wire/session-store.ts). */
export interface ControllerKiller {
  kill(graceful: boolean): Promise<void>;
  start(): Promise<void>;
}

/** Freezes the controller server whole; it stays frozen until thaw(). */
export interface ControllerFreezer {
  freeze(): void | Promise<void>;
  thaw(): void | Promise<void>;
}

export interface LiveResult {
  history: HistoryRecord[];
  /** The black-box client's output, when there was one. */
  outputs: CommandOutput[];
}

/** As the sim's network: a dial that gets no handshake (a partition holds it) fails after this. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Real milliseconds between looks at the run's own state (its clients, its records). */
const POLL_MS = 10;
/** Longest a look at the controller waits for the state it asks about (a long poll, real ms):
 *  the controller answers the moment it gets there, so this only bounds how late the harness
 *  notices a failure of its own meanwhile. */
const CONTROLLER_WAIT_MS = 500;

/** Runs actions one at a time in the order asked, so plan order holds though actions are async. */
class ActionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  failure: Error | undefined;

  run(action: () => Applied | Promise<Applied>): Promise<Applied> {
    const next = this.tail.then(action).catch((e: unknown): Applied => {
      this.failure ??= e as Error;
      return { applied: false, note: `failed: ${(e as Error).message}` };
    });
    this.tail = next;
    return next;
  }

  async drained(): Promise<void> {
    await this.tail;
  }
}

/** Real time a run may take beyond its plan and its deadlines, scaled: past that, the target has
 *  stopped answering (a frozen controller, a dead network) and the run fails rather than hang. */
const RUN_DEADLINE_MARGIN_MS = 30_000;
/** Model time the closing sequence may take on top of the scenario's deadlines. */
const CLOSING_MODEL_MS = 120_000;

/** The hard deadline of one run, in real milliseconds. A client `program`'s run has one deploy
 *  deadline more: the plan waits for its first connection, which its start-up may take up to one
 *  deploy deadline to make, and its own deadline counts from that connection (command-client.ts). */
export function runDeadlineMs(config: RunConfig, plan: Plan, timeScale: number, program: boolean): number {
  const planMs = plan.reduce((ms, e) => ms + (e.kind === 'wait' ? e.durationMs : 0), 0);
  const { deployMs, requestMs, resumeMs } = config.scenario.deadlines;
  const startUpMs = program ? deployMs : 0;
  const modelMs = planMs + startUpMs + deployMs + requestMs + resumeMs + CLOSING_MODEL_MS;
  return Math.round(modelMs * timeScale) + RUN_DEADLINE_MARGIN_MS;
}

/** Plays one run; anything that fails on the way but the user's own input is a TargetError (exit 3),
 *  and so is a run that outlives its hard deadline (runDeadlineMs). When options.signal aborts (an
 *  interrupt), the run stops at once: its client programs are killed and it rejects with the
 *  signal's reason. A run stopped either way leaves nothing running behind it. */
export async function runLive(config: RunConfig, plan: Plan, seed: number, options: LiveOptions): Promise<LiveResult> {
  const { signal } = options;
  const program = (options.clientCommand ?? config.client.command) !== undefined;
  const deadlineMs = runDeadlineMs(config, plan, options.timeScale, program);
  const stop = new AbortController();
  const timer = setTimeout(() => {
    const seconds = Math.round(deadlineMs / 1000);
    stop.abort(
      new TargetError(`${options.target} target stopped answering: a run passed its hard deadline of ${seconds} s`),
    );
  }, deadlineMs);
  const interrupted = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', interrupted, { once: true });
  if (signal?.aborted) interrupted();
  const stopped = new Promise<never>((_, reject) => {
    const fail = (): void => reject(stop.signal.reason);
    if (stop.signal.aborted) fail();
    else stop.signal.addEventListener('abort', fail, { once: true });
  });
  try {
    // A client program that cannot work at all stops the run the moment it shows (fail), not at its close.
    const fail = (e: Error): void => stop.abort(e);
    return await Promise.race([play(config, plan, seed, options, { stopped: stop.signal, fail }), stopped]);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof TargetError || e instanceof UsageError) throw e;
    throw new TargetError(`${options.target} target: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', interrupted);
    // The run's failure, if any, is the news; a controller that cannot let go of it is not.
    await options.backend.end?.().catch(() => {});
  }
}

/** One run in progress: what its parts share. */
interface LiveRun {
  readonly config: RunConfig;
  readonly plan: Plan;
  readonly options: LiveOptions;
  readonly clock: ScopedScheduler;
  readonly history: Recorder;
  /** The run's client names (a --client-cmd program is the one client). */
  readonly clientNames: readonly string[];
  /** The program that is the run's one client: --client-cmd's, or a client profile's own. */
  readonly clientCommand: string | undefined;
  /** Clients dial wss:// to the agent's TLS port. */
  readonly tls: boolean;
  /** The clients whose connections go through a fault proxy of the run's (proxiedClients). */
  readonly proxied: ReadonlySet<string>;
  readonly clients: Map<string, Client>;
  /** World actions, one at a time in plan order. */
  readonly queue: ActionQueue;
  /** Plan events waiting for their moment (chained upgrades): the closing sequence waits for them. */
  readonly waiting: WaitingEvents;
  /** Aborts when runLive gives up on the run (an interrupt, the hard deadline, an unusable client
   *  program): its waits end then, not when the run's own deadlines would have ended them. */
  readonly stopped: AbortSignal;
  /** Gives up on the run with this error (a client program that cannot work at all). */
  readonly fail: (error: Error) => void;
  /** The plan's events run on this: the run's clock, held while a --client-cmd program starts. */
  readonly planClock: HoldableClock;
  /** The --client-cmd program, once its client exists. */
  program?: ProgramStart;
  /** What the run is doing, for its status line: playing the plan until `untilMs`, or waiting
   *  (closing) from `sinceMs` for everything to settle, at most until `untilMs` (model ms). */
  phase: { name: 'plan' | 'ties' | 'closing'; sinceMs: number; untilMs: number };
  /** The controller's answer the last time the closing wait asked whether it is quiet. */
  controllerQuiet: boolean | undefined;
  /** How long the closing wait's next look at the controller may wait for it to be quiet (real ms). */
  quietWaitMs: number;
  /** The controller is frozen by a `pause` event of this run. */
  paused: boolean;
  /** Resolves when the pause in force ends (the operator's commands wait for it, as the sim's do). */
  thawed: Promise<void>;
  endPause: () => void;
  /** Set while a `crash` of this run has the controller killed: resolves once it is started again. */
  down: Promise<void> | undefined;
  /** The controller was bootstrapped (a crash before that has nothing to kill, as on the sim). */
  bootstrapped: boolean;
  /** Plan events the controller took on to fire at a client's API activity: their records are the
   *  controller's (written when they fire, or never), so the harness's history never holds them. */
  armed: number;
  /** The ties armed (or drawn while the controller was killed): armed again in a controller
   *  started after a crash, which skips those its records show fired (world.ts ArmedTies). */
  readonly ties: ArmedTies;
  /** What became of the ties, as the controller told at quiescence (closing.ts settledTies). */
  settledTies: readonly SettledTie[];
  /** How late this process ran during the run (the lag record's harness half). */
  readonly lag: LagWindow;
}

async function play(
  config: RunConfig,
  plan: Plan,
  seed: number,
  options: LiveOptions,
  { stopped, fail }: { stopped: AbortSignal; fail: (error: Error) => void },
): Promise<LiveResult> {
  const { backend, proxies, timeScale } = options;
  // A client profile that is a program of its own (python-libjuju's example) runs as --client-cmd does.
  const clientCommand = options.clientCommand ?? config.client.command?.();
  const tls = options.tls === true || config.client.tls === true;
  // The profile's own preparation (its library loaded, its program's interpreter checked); a
  // --client-cmd program replaces the profile, and needs none.
  if (options.clientCommand === undefined) await config.client.prepare?.();
  const origin = epochNow();
  // A program builds its own URLs (python-libjuju drops the ?client= query): its connections are client-0's.
  const soleClient = clientCommand !== undefined ? { soleClient: clientName(0) } : {};
  const durable = plan.some((e) => e.kind === 'crash') ? { durable: true } : {};
  await backend.begin({ config, seed, timeScale, originEpochMs: origin, ...soleClient, ...durable });
  if (tls && !backend.tls) throw new UsageError(`${config.client.name} dials wss:// only: this target has no TLS port`);
  // Scoped: a heal or retry timer of this run must never fire in the next one.
  const clock = new ScopedScheduler(new RealScheduler(timeScale, origin));
  const history = new Recorder(() => clock.now());
  const base = { ...runParamsFor(config), timeScale };
  // A command is one program: every client event of the plan goes to it.
  const underTest = options.clientCommand !== undefined ? { clientUnderTest: true as const } : {};
  const params: RunParams =
    clientCommand !== undefined ? { ...base, clients: [clientName(0)], program: true, ...underTest } : base;
  history.record({ type: 'run-start', scenario: config.scenario.name, target: options.target, seed, params });

  const run: LiveRun = {
    config,
    plan,
    options,
    clock,
    history,
    clientNames: params.clients,
    clientCommand,
    tls,
    proxied: proxiedClients(plan, params.clients, clientCommand !== undefined || tls || backend.host !== LOOPBACK),
    stopped,
    fail,
    clients: new Map(),
    queue: new ActionQueue(),
    waiting: new WaitingEvents(),
    planClock: new HoldableClock(clock),
    paused: false,
    thawed: Promise.resolve(),
    endPause: () => {},
    down: undefined,
    bootstrapped: false,
    armed: 0,
    ties: new ArmedTies(),
    settledTies: [],
    phase: { name: 'plan', sinceMs: 0, untilMs: 0 },
    controllerQuiet: undefined,
    quietWaitMs: 0,
    lag: openLagWindow({ originEpochMs: origin, timeScale }),
  };
  const statusTimer = options.onStatus && setInterval(() => options.onStatus?.(statusLine(run)), STATUS_MS).unref();
  // Stopped from outside (deadline, interrupt): runLive has already given up on this run; what it
  // started ends now, not when its own timers would have ended it.
  const tearDown = (): void => {
    clearInterval(statusTimer);
    clock.cancelAll();
    void stopClients(run.clients.values(), stopReason(run));
    proxies.clear();
    if (run.paused) void Promise.resolve(options.freezer?.thaw()).catch(() => {});
  };
  stopped.addEventListener('abort', tearDown, { once: true });
  try {
    if (stopped.aborted) throw stopped.reason;
    await openClients(run, seededRng(seed));
    const planEnd = run.planClock.now() + schedulePlan(liveWorld(run), plan);
    run.phase = { name: 'plan', sinceMs: clock.now(), untilMs: clock.now() + (planEnd - run.planClock.now()) };
    await until(run.planClock, planEnd);
    // An event at the plan's very end has a timer of its own that may fire just after this one:
    // the closing sequence starts once every event has been applied (each writes its record then)
    // or handed to the controller to fire at a client's activity.
    let events = 0;
    let looked = 0; // records already counted: each look reads only the new ones
    const settled = (): number => {
      const { records } = history;
      for (; looked < records.length; looked++) if (records[looked]?.type === 'event') events++;
      return run.armed + events;
    };
    while (settled() < plan.length && !stopped.aborted) await sleep(POLL_MS);
    if (stopped.aborted) throw stopped.reason;
    await run.queue.drained();
    const snapshot = await closeLiveRun(run);
    // A program still running is killed here; its output is complete once it has exited.
    await stopClients(run.clients.values(), stopReason(run));
    const outputs: CommandOutput[] = [];
    for (const client of run.clients.values()) {
      if (!(client instanceof CommandClient)) continue;
      const output = client.output();
      if (output) outputs.push(output);
    }
    return { history: mergeHistories(history.records, snapshot.records), outputs };
  } finally {
    run.lag.close();
    clearInterval(statusTimer);
    stopped.removeEventListener('abort', tearDown);
    await stopClients(run.clients.values(), stopReason(run));
    clock.cancelAll();
    proxies.clear();
    // A run that failed while its controller was frozen must not leave it frozen for the next.
    if (run.paused) await options.freezer?.thaw();
  }
}

/** Real milliseconds between two status lines of a run in flight. */
const STATUS_MS = 2_000;

/** What the run is doing now, in real time, for people watching a run that may take minutes. */
function statusLine(run: LiveRun): string {
  const { clock, phase, options } = run;
  const real = (modelMs: number): string => formatDuration(Math.max(0, modelMs) * options.timeScale);
  const elapsed = real(clock.now() - phase.sinceMs);
  if (phase.name === 'plan')
    return clock.now() <= phase.untilMs
      ? `playing the plan, ${elapsed} of ${real(phase.untilMs - phase.sinceMs)}`
      : `applying the plan's last events (${elapsed})`;
  if (phase.name === 'ties')
    return `waiting for faults tied to client activity to fire, ${elapsed} of at most ${real(phase.untilMs - phase.sinceMs)} (a resume deadline)`;
  const pending = [...run.clients].filter(([, c]) => !c.settled()).map(([name]) => name);
  if (run.controllerQuiet === false) pending.push('the controller');
  const what = pending.length > 0 ? pending.join(', ') : 'the run';
  return `waiting for ${what} to settle, ${elapsed} of at most ${real(phase.untilMs - phase.sinceMs)} (deploy and resume deadlines)`;
}

/** 4m05s, 12s. */
function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Why the harness stops a run's clients now, said with a program it finds still running
 * (CommandOutput.stoppedBy): its SIGKILL is then the harness's doing. A shrink candidate is cut
 * soon after where the run found showed its violation (target-shrink.ts), whatever its program does.
 */
function stopReason(run: LiveRun): string {
  if (run.stopped.aborted) {
    const reason: unknown = run.stopped.reason;
    return reason instanceof TargetError || reason instanceof UsageError
      ? `its run failed: ${reason.message}`
      : 'its run was called off: an interrupt, or shrinking had its answer or ran out of time';
  }
  const cutAtMs = run.options.cutAtMs;
  if (cutAtMs !== undefined && run.clock.now() >= cutAtMs)
    return (
      `a shrink candidate, cut at ${(cutAtMs / 1000).toFixed(1)} s of model time, ` +
      `past where the violation being shrunk showed`
    );
  return "its run ended: the closing sequence's deadlines had passed";
}

/** Stops every client (`why` said to a program still running); resolves once each program among
 *  them has exited and its folder is gone. */
async function stopClients(clients: Iterable<Client>, why: string): Promise<void> {
  const programs: Promise<void>[] = [];
  for (const client of clients) {
    if (client instanceof CommandClient) client.stop(why);
    else client.stop();
    if (client instanceof CommandClient) programs.push(client.gone());
  }
  await Promise.all(programs);
}

const LOOPBACK = '127.0.0.1';

/**
 * The clients that need a fault proxy: those a timed `disconnect`, `partition`, `slow` or `half-open` of the plan names
 * (a fault tied to API activity is the controller's to inject), or every client when `all` (a
 * --client-cmd program, whose start the proxy watches; TLS, whose certificate names the loopback
 * address the proxy listens on; a controller elsewhere). The others dial the controller directly:
 * a proxy would only copy their bytes, a fifth of the harness's CPU on the process target. A
 * built-in client starts at bootstrap, so none dials before the controller is up.
 */
export function proxiedClients(plan: Plan, clients: readonly string[], all: boolean): ReadonlySet<string> {
  if (all) return new Set(clients);
  const faulted = new Set<string>();
  for (const event of plan)
    if (
      (event.kind === 'disconnect' ||
        event.kind === 'partition' ||
        event.kind === 'slow' ||
        event.kind === 'half-open') &&
      !activityTie(event)
    )
      faulted.add(clientName(event.client));
  return new Set(clients.filter((name) => faulted.has(name)));
}

/** Each client behind its own fault proxy (or dialling the controller directly: proxiedClients),
 *  with its own random stream (forked by name, as on the sim). */
async function openClients(run: LiveRun, rng: Rng): Promise<void> {
  const { options, clock, history, config, clientCommand } = run;
  const { backend } = options;
  const scheme = run.tls ? 'wss' : (options.scheme ?? 'ws');
  const ca = run.tls ? backend.tls : undefined;
  for (const name of run.clientNames) {
    const proxy = run.proxied.has(name) ? await proxyOf(run, name) : undefined;
    if (proxy && !backend.upBeforeBootstrap) await proxy.refuse(); // until bootstrap: see admitClients
    if (proxy) proxy.onUpstreamRefused = () => recordRefusedDial(run, name);
    const url = `${scheme}://${LOOPBACK}:${proxy?.port ?? backend.port}${backend.modelPath(name)}`;
    const env: ClientEnv = {
      name,
      clock,
      rng: rng.fork(name),
      history,
      credentials: backend.credentials,
      deployDeadlineMs: config.scenario.deadlines.deployMs,
      charmSource: charmSourceOf(config.controller.clientVersion),
      url,
      ...(ca ? { tls: { caCert: ca.caCert, caCertFile: ca.caCertFile } } : {}),
      dial: wsDialer(url, {
        clock,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        ...(ca ? { ca: ca.caCert } : { insecureTls: scheme === 'wss' }),
      }),
    };
    if (clientCommand === undefined) {
      run.clients.set(name, config.client.create(env));
      continue;
    }
    if (!proxy) throw new Error(`${name}: a client program dials through a fault proxy (proxiedClients)`);
    const own = options.clientCommand !== undefined; // the user's --client-cmd, or a profile's own program
    const program = new CommandClient(env, {
      command: clientCommand,
      bundle: bundleFromPlan(run.plan, env.charmSource),
      timeScale: options.timeScale,
      reach: {
        connections: () => proxy.accepted,
        refusing: () => proxy.refusing,
        onConnection: (listener) => void (proxy.onAccepted = listener),
      },
      onFatal: run.fail,
      ...(own
        ? {}
        : {
            label: `the ${config.client.name} client's program "${clientCommand}"`,
            unusable: (m) => new TargetError(m),
          }),
    });
    run.clients.set(name, program);
    run.program = new ProgramStart(program, proxy);
  }
}

/**
 * A dial through the client's proxy that the controller's port refused at the TCP level (its
 * agent's TLS port while the agent is down): recorded as the sim's network and the server's plain
 * port record a dial the agent turns away (`conn-refused`), so reconnect-backoff counts it. Not
 * while the controller is killed (a crash): the sim records no dial to a dead controller either.
 */
function recordRefusedDial(run: LiveRun, client: string): void {
  if (!run.down) run.history.record({ type: 'conn-refused', client });
}

/** The client's fault proxy: in front of the agent's TLS port (this run's) when clients dial wss://. */
function proxyOf(run: LiveRun, client: string): Promise<FaultProxy> {
  const tls = run.tls ? run.options.backend.tls : undefined;
  return run.options.proxies.get(client, tls ? { host: run.options.backend.host, port: tls.port } : undefined);
}

/** The controller is up: its clients' proxies listen again, so dials reach it. Until then a dial
 *  is refused at the TCP level (a --client-cmd program launched by a deploy before bootstrap), as a
 *  controller that is not up refuses it. */
async function admitClients(run: LiveRun): Promise<void> {
  await Promise.all([...run.proxied].map(async (name) => (await proxyOf(run, name)).admit()));
}

/** Ends a partition: the proxy passes traffic again, and the fault-end is recorded. */
async function heal(run: LiveRun, client: string): Promise<void> {
  if (!run.proxied.has(client)) return;
  if ((await proxyOf(run, client)).heal()) run.history.record({ type: 'fault-end', fault: 'partition', client });
}

/** Ends a slow link's window: the proxy's usual latency again, and the fault-end is recorded. */
async function unslow(run: LiveRun, client: string): Promise<void> {
  if (!run.proxied.has(client)) return;
  if ((await proxyOf(run, client)).unslow()) run.history.record({ type: 'fault-end', fault: 'slow', client });
}

/**
 * Freezes the controller for durationMs. The fault-start is recorded before the freeze is asked
 * for and the fault-end once the thaw is done, so the recorded window holds every moment it may
 * have been frozen. The thaw is not queued: queued actions may be waiting on the frozen controller.
 */
async function pause(run: LiveRun, freezer: ControllerFreezer, durationMs: number): Promise<boolean> {
  if (run.paused) return false;
  run.paused = true;
  run.thawed = new Promise((resolve) => (run.endPause = resolve));
  run.history.record({ type: 'fault-start', fault: 'pause' });
  await freezer.freeze();
  run.clock.after(durationMs, () => void resume(run).catch((e: unknown) => (run.queue.failure ??= e as Error)));
  return true;
}

/** Ends a pause: the controller thaws, and the fault-end is recorded. */
async function resume(run: LiveRun): Promise<void> {
  const freezer = run.options.freezer;
  if (!run.paused || !freezer) return;
  run.paused = false; // the resume timer and the closing's heal may both come: one thaws
  await freezer.thaw();
  run.history.record({ type: 'fault-end', fault: 'pause' });
  run.endPause();
}

/**
 * Kills the controller (the sim's crash: simulate.ts) and starts it again after downMs. The
 * fault-start is recorded before the kill, the fault-end once the server listens again with its
 * sessions back. The start is not queued: queued actions may be waiting for it.
 */
async function crash(run: LiveRun, killer: ControllerKiller, downMs: number, graceful: boolean): Promise<Applied> {
  if (!run.bootstrapped) return { applied: false, note: 'no controller to kill before bootstrap' };
  if (run.paused) return { applied: false, note: 'the controller is paused' };
  if (run.down) return { applied: false, note: 'the controller is down already' };
  let started = (): void => {};
  run.down = new Promise((resolve) => (started = resolve));
  run.history.record({ type: 'fault-start', fault: 'crash', ...(graceful ? { graceful } : {}) });
  await killer.kill(graceful);
  run.clock.after(downMs, () => {
    void killer
      .start()
      .then(() => run.history.record({ type: 'fault-end', fault: 'crash' }))
      .then(() => armAgain(run))
      .catch((e: unknown) => (run.queue.failure ??= e as Error))
      .finally(() => {
        run.down = undefined;
        started();
      });
  });
  return true;
}

/** The run's ties, armed again in the controller started after a crash (it lost them with its
 *  memory); it skips those it has records of. Before anything the crash held back goes on. */
async function armAgain(run: LiveRun): Promise<void> {
  const { backend } = run.options;
  for (const t of run.ties.list()) await backend.arm?.(t.index, t.event, t.client);
}

/** An operator's command (bootstrap, publish, upgrade, restart): after the pause in force, if any,
 *  and once a killed controller is started again. */
function operator(run: LiveRun, act: () => Promise<Applied>): Promise<Applied> {
  return run.queue.run(async () => {
    await run.thawed;
    await run.down;
    return act();
  });
}

/** The plan's actions on a real controller, through the backend and the fault proxies. */
function liveWorld(run: LiveRun): World {
  const { clock, history, queue, clients, clientCommand } = run;
  const { backend } = run.options;
  const route = (client: string): string => (clientCommand !== undefined ? clientName(0) : client);
  const profile = clientCommand !== undefined ? 'command' : run.config.client.name;
  let started = false;
  /**
   * Bootstrap and deploy (the program's launch) hold the plan, from their moment, until the
   * controller has answered the --client-cmd program's first connection (or the program has
   * ended), once the controller is up and the program launched: its start-up (node or python
   * importing a library: seconds on a busy machine, a minute of model time) is not what the plan
   * tests, and faults played before it connects would all miss it. Jepsen opens its clients before
   * the generator starts, likewise.
   */
  const heldForProgram = (queued: () => Promise<Applied>): Promise<Applied> => {
    const program = run.program;
    if (!program || program.connected) return queued();
    run.planClock.hold(); // now: no later event may fire before the program has connected
    const applied = queued();
    // Outside the queue: a partition's heal, queued meanwhile, may be what lets the program connect.
    void applied
      .then(() => (started && program.client.launched ? program.connection() : undefined))
      .finally(() => run.planClock.release());
    return applied;
  };
  return {
    clock: run.planClock,
    history,
    bootstrap: () =>
      heldForProgram(() =>
        operator(run, async () => {
          const r = await backend.bootstrap(run.program ? operatorApps(run.plan) : []);
          if (r.applied) run.bootstrapped = true;
          if (r.up && !started) {
            await admitClients(run);
            started = true;
            for (const c of clients.values()) c.start();
          }
          return r;
        }),
      ),
    // In a program's run every `remove` is the operator's, made at the program's moment (timed: its
    // next watcher wait; `on: 'login'`: its login after it lost its watcher): armed like a tied
    // fault, so the session records it when it fires, or that it never did (wire/session.ts).
    tieOf: (event) => (run.program && event.kind === 'remove' ? operatorRemovalTie(event) : activityTie(event)),
    arm: (index, event, client, on) =>
      queue.run(async () => {
        if (event.kind === 'remove' && !run.program) return TIED_REMOVE_NOT_APPLIED;
        if (!backend.arm) {
          const cannot = event.kind === 'remove' ? 'has no operator' : 'cannot tie faults to API activity';
          return { applied: false, note: `the ${run.options.target} target ${cannot}` };
        }
        const tie = { index, event, client: route(client), on };
        // Killed: the controller started next arms it (crash()).
        const outcome = run.down ? { applied: true } : await backend.arm(index, event, tie.client);
        if (outcome.applied) {
          run.armed++;
          run.ties.add(tie);
        }
        return outcome;
      }),
    publish: (version) => operator(run, () => backend.publish(version)),
    upgrade: (request) => operator(run, () => backend.upgrade(request)),
    restart: () => operator(run, () => backend.restart()),
    disconnect: (client) => queue.run(async () => (await proxyOf(run, route(client))).reset() > 0),
    halfOpen: (client) => queue.run(async () => (await proxyOf(run, route(client))).halfOpen() > 0),
    stopWatchers: (client) =>
      queue.run(() => {
        if (!backend.stopWatchers)
          return { applied: false, note: `the ${run.options.target} target cannot stop a client's watcher` };
        if (run.down) return { applied: false, note: 'the controller is down' };
        if (run.paused) return { applied: false, note: 'the controller is paused' };
        return backend.stopWatchers(route(client));
      }),
    crash: (downMs, graceful) => {
      const killer = run.options.killer;
      if (!killer) return { applied: false, note: `the ${run.options.target} target cannot kill its controller` };
      return queue.run(() => crash(run, killer, downMs, graceful));
    },
    pause: (durationMs) => {
      const freezer = run.options.freezer;
      if (!freezer) return { applied: false, note: `the ${run.options.target} target cannot pause its controller` };
      return queue.run(() =>
        run.down ? { applied: false, note: 'the controller is down' } : pause(run, freezer, durationMs),
      );
    },
    partition: (client, durationMs) =>
      queue.run(async () => {
        const name = route(client);
        if (!(await proxyOf(run, name)).partition()) return false;
        history.record({ type: 'fault-start', fault: 'partition', client: name });
        clock.after(durationMs, () => void queue.run(async () => (await heal(run, name), true)));
        return true;
      }),
    // The delay is model time, as the plan's: the proxy adds it scaled, as the clock scales waits.
    slow: (client, durationMs, latencyMs) =>
      queue.run(async () => {
        const name = route(client);
        if (!(await proxyOf(run, name)).slow(latencyMs * run.options.timeScale)) return false;
        history.record({ type: 'fault-start', fault: 'slow', client: name, latencyMs });
        clock.after(durationMs, () => void queue.run(async () => (await unslow(run, name), true)));
        return true;
      }),
    deploy: (client, app, units) =>
      heldForProgram(() =>
        queue.run(() => {
          const c = clients.get(route(client));
          c?.deploy(app, units);
          return c !== undefined;
        }),
      ),
    // A program's run arms its removals (tieOf): this is a built-in client's own.
    remove: (client, app) =>
      queue.run(() => clientAction(clients.get(route(client)), profile, 'remove', (c) => c.remove?.(app))),
    rewatch: (client) =>
      queue.run(() => clientAction(clients.get(route(client)), profile, 'rewatch', (c) => c.rewatch?.())),
    upgradeIdle: () => backend.upgradeIdle(CONTROLLER_WAIT_MS),
    waiting: run.waiting,
  };
}

/** The operator's applications of a program's run: one per application the plan removes
 *  (controller/operator.ts), for the operator to take away while the program deploys. */
function operatorApps(plan: Plan): string[] {
  return [...new Set(plan.flatMap((e) => (e.kind === 'remove' ? [operatorApp(e.app)] : [])))];
}

/** The --client-cmd program of a run, and whether the controller has answered it yet. */
class ProgramStart {
  private readonly answeredBefore: number;

  constructor(
    readonly client: CommandClient,
    private readonly proxy: FaultProxy,
  ) {
    this.answeredBefore = proxy.answered; // the proxy outlives runs: count this run's answers only
  }

  get connected(): boolean {
    return this.proxy.answered > this.answeredBefore;
  }

  /** Resolves once the controller has answered the program's first connection, or the program has ended. */
  async connection(): Promise<void> {
    while (!this.connected && !this.client.settled()) await sleep(POLL_MS);
  }
}

/** The closing sequence (targets/closing.ts), each step over the network in real time. */
function closeLiveRun(run: LiveRun): Promise<ControllerSnapshot> {
  const { clock, queue, clients } = run;
  const { backend } = run.options;
  const fatal = (): Error | undefined => {
    for (const c of clients.values()) if (c instanceof CommandClient && c.fatal) return c.fatal;
    return undefined;
  };
  return Promise.resolve(
    closeRun({
      clock,
      history: run.history,
      deadlines: run.config.scenario.deadlines,
      clients,
      // Only the ties this run armed: a controller that armed none is not asked.
      armedTies: () => {
        const ask = backend.armedTies?.bind(backend);
        return run.armed > 0 && ask ? whenUp(run, () => ask(run.quietWaitMs)) : 0;
      },
      settledTies: () => run.settledTies,
      available: async () =>
        !run.down &&
        !run.paused &&
        run.ties.list().some((t) => !partitioned(run, t.client)) &&
        (await backend.upgradeIdle(0).catch(() => false)),
      healFaults: async () => {
        await run.down; // a killed controller is started again at its time, not before
        // First, so that no armed fault fires in between: the controller's own faults end.
        if (run.armed > 0) run.settledTies = settledTies(run.ties.list(), (await backend.quiesce?.()) ?? []);
        for (const name of run.clientNames) await heal(run, name);
        for (const name of run.clientNames) await unslow(run, name);
        await resume(run);
      },
      runUntil: async (wantedMs, quiet) => {
        // A cut (RunHooks.cutAtMs) ends every closing wait there, as if its deadline had passed.
        const limitMs = Math.min(wantedMs, run.options.cutAtMs ?? Infinity);
        if (!quiet) return until(clock, limitMs);
        // The wait for armed ties comes before quiescence (closing.ts), the closing wait after it.
        const closing = run.history.records.at(-1)?.type !== 'tie-wait';
        run.phase = { name: closing ? 'closing' : 'ties', sinceMs: clock.now(), untilMs: limitMs };
        // A run stopped from outside ends its wait at once: its clients were stopped, so they would
        // never settle and this loop would poll on until limitMs (seconds of real time).
        while (clock.now() < limitMs && !queue.failure && !fatal() && !run.stopped.aborted) {
          // Clients are looked at here (no I/O); the controller tells when it is quiet (push).
          run.quietWaitMs = Math.min(CONTROLLER_WAIT_MS, (limitMs - clock.now()) * run.options.timeScale);
          const reached = await quiet();
          run.quietWaitMs = 0;
          if (reached) break;
          await sleep(POLL_MS);
        }
        if (run.stopped.aborted) throw run.stopped.reason;
        if (queue.failure) throw queue.failure;
        const commandError = fatal();
        if (commandError) throw commandError;
      },
      // A controller that is down (the plan's crash) is not quiet: it is starting again.
      controllerQuiet: async () =>
        (run.controllerQuiet = run.down ? false : await whenUp(run, () => backend.quiet(run.quietWaitMs))),
      waitingEvents: () => run.waiting.count,
      hasView: (client) => !(client instanceof CommandClient) || client.reportedView,
      finalModel: async () => {
        const snapshot = await backend.snapshot();
        // A pause of the plan's own stalls the controller on purpose: only the harness's stalls count then.
        const paused = run.plan.some((e) => e.kind === 'pause');
        recordLag(run, paused ? { stallMs: 0, stalls: [] } : snapshot);
        return snapshot;
      },
    }),
  );
}

/** The run's longest stall, the harness's or the controller's, in model ms, and the union of their
 *  stalls: properties judged on deadlines call a run, or a deadline's window, that stalled past its
 *  budget unknown (properties/stall.ts). */
function recordLag(run: LiveRun, controller: Pick<ControllerSnapshot, 'stallMs' | 'stalls'>): void {
  const realMs = Math.max(run.lag.maxMs, controller.stallMs ?? 0);
  const stalls = unionStalls(run.lag.stalls(), controller.stalls ?? []);
  run.history.record({ type: 'lag', stallMs: Math.round(realMs / run.options.timeScale), stalls });
}

/** The controller's word on each tie (its quiesce answer), with the plan event the run armed; a word
 *  on a tie the run never armed is the controller's error (TargetError). */
export function settledTies(ties: readonly ArmedTie[], outcomes: readonly TieOutcome[]): SettledTie[] {
  const armed = new Map(ties.map((tie) => [tie.index, tie.event]));
  return outcomes.map(({ index, t, applied }) => {
    const event = armed.get(index);
    if (!event) throw new TargetError(`the controller settled a tie this run never armed (plan event ${index})`);
    return { event, t, applied };
  });
}

/** Whether a partition of this run's plan holds `client` now (its fault-start not yet ended). */
function partitioned(run: LiveRun, client: string): boolean {
  let n = 0;
  for (const r of run.history.records)
    if (r.type === 'fault-start' && r.fault === 'partition' && r.client === client) n++;
    else if (r.type === 'fault-end' && r.fault === 'partition' && r.client === client) n--;
  return n > 0;
}

/**
 * Asks the controller once it is up. The plan's end can find it killed (a crash whose downtime
 * outlasts the plan), and a crash tied to client activity can fire while a question is in flight:
 * the question waits for the restart, or is asked again after it, instead of failing the target.
 */
async function whenUp<T>(run: LiveRun, ask: () => Promise<T>): Promise<T> {
  for (;;) {
    await run.down;
    try {
      return await ask();
    } catch (e) {
      if (!run.down) throw e;
    }
  }
}

/** Resolves when the run's clock reaches `t` (model ms). */
function until(clock: Scheduler, t: number): Promise<void> {
  return new Promise((resolve) => clock.after(t - clock.now(), resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
