/**
 * One run in real time, shared by the process and external targets: simulate.ts's run, played on
 * a RealScheduler (every duration scaled by timeScale) against a controller over real sockets.
 * Each client talks through its own fault proxy; plan events go through schedulePlan and the
 * World actions, one at a time in plan order; quiescence heals faults and waits, bounded by the
 * scenario's deadlines, for the controller to be quiet and the clients settled. The harness's
 * records and the controller's are merged into one history of the sim's schema.
 */
import { RealScheduler, ScopedScheduler, epochNow, type Scheduler } from '../../clock.ts';
import type { Client, ClientEnv } from '../../clients/client.ts';
import { bundleFromPlan, CommandClient, type CommandOutput } from '../../clients/command-client.ts';
import { Recorder, type HistoryRecord } from '../../history.ts';
import { clientName, type Plan } from '../../plan.ts';
import { seededRng } from '../../rng.ts';
import { runParamsFor, type RunConfig } from '../../run-config.ts';
import { wsDialer } from '../../wire/ws-dialer.ts';
import type { TargetName } from '../target.ts';
import { clientAction, schedulePlan, WaitingEvents, type Applied, type World } from '../world.ts';
import type { ControllerBackend } from './backend.ts';
import { mergeHistories } from './merge.ts';
import type { ProxyPool } from './proxies.ts';
import { TargetError, UsageError } from '../../errors.ts';

export interface LiveOptions {
  target: TargetName;
  /** Real time per model millisecond (0.05: twenty times faster than life). */
  timeScale: number;
  backend: ControllerBackend;
  proxies: ProxyPool;
  /** A black-box client program: the run's only client (see command-client.ts). */
  clientCommand?: string;
  /** ws or wss, as the controller speaks. */
  scheme?: 'ws' | 'wss';
}

export interface LiveResult {
  history: HistoryRecord[];
  /** The black-box client's output, when there was one. */
  outputs: CommandOutput[];
}

/** As in simulate.ts: time for watcher deltas already in flight to land once all has settled. */
const SETTLE_MS = 2_000;
/** As the sim's network: a dial that gets no handshake (a partition holds it) fails after this. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Real milliseconds between looks at the controller during quiescence. */
const POLL_MS = 10;

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

/** Plays one run; anything that fails on the way but the user's own input is a TargetError (exit 3). */
export async function runLive(config: RunConfig, plan: Plan, seed: number, options: LiveOptions): Promise<LiveResult> {
  try {
    return await play(config, plan, seed, options);
  } catch (e) {
    if (e instanceof TargetError || e instanceof UsageError) throw e;
    throw new TargetError(`${options.target} target: ${(e as Error).message}`);
  }
}

async function play(config: RunConfig, plan: Plan, seed: number, options: LiveOptions): Promise<LiveResult> {
  const { backend, proxies, timeScale, clientCommand } = options;
  const origin = epochNow();
  await backend.begin({ config, seed, timeScale, originEpochMs: origin });
  // Scoped: a heal or retry timer of this run must never fire in the next one.
  const clock = new ScopedScheduler(new RealScheduler(timeScale, origin));
  const history = new Recorder(() => clock.now());
  const base = runParamsFor(config);
  // A command is one program: every client event of the plan goes to it.
  const params = clientCommand !== undefined ? { ...base, clients: [clientName(0)] } : base;
  history.record({ type: 'run-start', scenario: config.scenario.name, target: options.target, seed, params });

  const rng = seededRng(seed);
  const clients = new Map<string, Client>();
  for (const name of params.clients) {
    const proxy = await proxies.get(name);
    const url = `${options.scheme ?? 'ws'}://127.0.0.1:${proxy.port}${backend.modelPath(name)}`;
    const env: ClientEnv = {
      name,
      clock,
      rng,
      history,
      credentials: backend.credentials,
      deployDeadlineMs: config.scenario.deadlines.deployMs,
      url,
      dial: wsDialer(url, { clock, connectTimeoutMs: CONNECT_TIMEOUT_MS, insecureTls: options.scheme === 'wss' }),
    };
    clients.set(
      name,
      clientCommand !== undefined
        ? new CommandClient(env, { command: clientCommand, bundle: bundleFromPlan(plan), timeScale })
        : config.client.create(env),
    );
  }
  const route = (client: string): string => (clientCommand !== undefined ? clientName(0) : client);
  const profile = clientCommand !== undefined ? 'command' : config.client.name;

  const queue = new ActionQueue();
  let started = false;
  const heal = async (client: string): Promise<void> => {
    if ((await proxies.get(client)).heal()) history.record({ type: 'fault-end', fault: 'partition', client });
  };
  const world: World = {
    clock,
    history,
    bootstrap: () =>
      queue.run(async () => {
        const r = await backend.bootstrap();
        if (r.up && !started) {
          started = true;
          for (const c of clients.values()) c.start();
        }
        return r;
      }),
    publish: (version) => queue.run(() => backend.publish(version)),
    upgrade: (request) => queue.run(() => backend.upgrade(request)),
    restart: () => queue.run(() => backend.restart()),
    disconnect: (client) => queue.run(async () => (await proxies.get(route(client))).reset() > 0),
    partition: (client, durationMs) =>
      queue.run(async () => {
        const name = route(client);
        if (!(await proxies.get(name)).partition()) return false;
        history.record({ type: 'fault-start', fault: 'partition', client: name });
        clock.after(durationMs, () => void queue.run(async () => (await heal(name), true)));
        return true;
      }),
    deploy: (client, app, units) =>
      queue.run(() => {
        const c = clients.get(route(client));
        c?.deploy(app, units);
        return c !== undefined;
      }),
    remove: (client, app) =>
      queue.run(() => clientAction(clients.get(route(client)), profile, 'remove', (c) => c.remove?.(app))),
    rewatch: (client) =>
      queue.run(() => clientAction(clients.get(route(client)), profile, 'rewatch', (c) => c.rewatch?.())),
    upgradeIdle: () => backend.upgradeIdle(),
    waiting: new WaitingEvents(),
  };

  try {
    const planEnd = clock.now() + schedulePlan(world, plan);
    await until(clock, planEnd);
    await queue.drained();

    // Quiescence: heal every fault, let upgrades finish and clients meet their deadlines.
    history.record({ type: 'quiescence' });
    for (const name of params.clients) await heal(name);
    const limit = clock.now() + config.scenario.deadlines.deployMs + config.scenario.deadlines.resumeMs;
    const fatal = (): Error | undefined => {
      for (const c of clients.values()) if (c instanceof CommandClient && c.fatal) return c.fatal;
      return undefined;
    };
    while (clock.now() < limit && !queue.failure && !fatal()) {
      const settled = world.waiting.count === 0 && [...clients.values()].every((c) => c.settled());
      if (settled && (await backend.quiet())) break;
      await sleep(POLL_MS);
    }
    if (queue.failure) throw queue.failure;
    const commandError = fatal();
    if (commandError) throw commandError;
    await until(clock, clock.now() + SETTLE_MS);

    for (const [name, client] of clients) {
      if (client instanceof CommandClient && !client.reportedView) continue;
      history.record({ type: 'client-view', client: name, ...client.view() });
    }
    const snapshot = await backend.snapshot();
    history.record({ type: 'final-model', version: snapshot.version, model: snapshot.model });
    history.record({ type: 'run-end' });
    history.seal(); // what clients record while they stop is not part of the run
    const records = history.records;
    const outputs: CommandOutput[] = [];
    for (const client of clients.values()) {
      if (!(client instanceof CommandClient)) continue;
      const output = client.output();
      if (output) outputs.push(output);
    }
    return { history: mergeHistories(records, snapshot.records), outputs };
  } finally {
    for (const client of clients.values()) client.stop();
    clock.cancelAll();
    proxies.clear();
  }
}

/** Resolves when the run's clock reaches `t` (model ms). */
function until(clock: Scheduler, t: number): Promise<void> {
  return new Promise((resolve) => clock.after(t - clock.now(), resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
