/**
 * The sim target: the controller model on a virtual clock, clients on an in-memory network, all
 * randomness from one seed (forked into a stream per part). simulate() is a pure function of (config, plan, seed): the same inputs
 * give the same history, byte for byte.
 */
import assert from 'node:assert/strict';
import { VirtualScheduler } from '../../clock.ts';
import type { Client } from '../../clients/client.ts';
import { Controller } from '../../controller/controller.ts';
import { NOT_FIRED_BY_QUIESCENCE } from '../../controller/activity-triggers.ts';
import type { DurableController } from '../../controller/durable-state.ts';
import { Recorder, type HistoryRecord } from '../../history.ts';
import { activityTie, charmSourceOf, tieCondition, type Plan } from '../../plan.ts';
import { seededRng } from '../../rng.ts';
import { runParamsFor, type RunConfig } from '../../run-config.ts';
import { closeRun } from '../closing.ts';
import {
  applyEvent,
  ArmedTies,
  clientAction,
  recordEvent,
  schedulePlan,
  TIED_REMOVE_NOT_APPLIED,
  WaitingEvents,
  type Applied,
  type ArmedTie,
  type World,
} from '../world.ts';
import { SimNetwork } from './network.ts';
import { ControllerFreeze } from './controller-freeze.ts';

export const SIM_CREDENTIALS = { username: 'admin', password: 'upgrade-chaos' };

export function simulate(config: RunConfig, plan: Plan, seed: number): HistoryRecord[] {
  const sim = openSim(config, seed);
  sim.clock.runUntil(schedulePlan(sim.world, plan));
  return sim.finish();
}

/**
 * A sim run opened to be driven from outside: the world that plan events act on, the clock, and
 * finish(), the quiescence phase that ends the run and returns its history. simulate() plays a
 * whole plan through one; the bench's fast-check baseline drives one command at a time.
 */
export interface SimSession {
  readonly world: World;
  readonly clock: VirtualScheduler;
  finish(): HistoryRecord[];
}

export function openSim(config: RunConfig, seed: number): SimSession {
  const clock = new VirtualScheduler();
  const rng = seededRng(seed);
  const history = new Recorder(() => clock.now());
  const params = runParamsFor(config);
  history.record({ type: 'run-start', scenario: config.scenario.name, target: 'sim', seed, params });

  // One stream per part of the run (see Rng.fork): shrinking a plan then keeps the other parts' timings.
  const model = config.model ?? ((deps) => new Controller(deps));
  // The controller's own work (its timers, what reaches it) runs through the freeze: a pause holds it.
  const freeze = new ControllerFreeze();
  const deps = {
    clock: freeze.scheduler(clock),
    rng: rng.fork('controller'),
    history,
    profile: config.controller,
    credentials: SIM_CREDENTIALS,
  };
  let controller = model(deps);
  /** Killed by a crash event and not started again yet: nothing listens, nothing answers. */
  let dead: (() => void)[] | undefined;
  let lives = 1;
  const network = new SimNetwork(
    clock,
    rng.fork('network'),
    { connect: (client, transport) => (dead ? undefined : controller.connect(client, transport)) },
    { latencyMs: [1, 30], connectTimeoutMs: 5_000 },
    freeze,
  );
  // The operator's commands reach a paused controller only at the resume, as a CLI call would hang,
  // and a killed one once it is started again.
  const operator = (act: () => boolean): Applied => {
    if (dead) {
      dead.push(act);
      return { applied: true, note: 'waits for the controller to be started again' };
    }
    if (!freeze.paused) return act();
    freeze.run(act);
    return { applied: true, note: 'waits for the controller to resume' };
  };
  /** A crash: the process dies (its timers with it, its sockets close, it writes nothing more);
   *  after downMs a new one starts from what the dead one kept on disk, as a server reads it. */
  const crash = (downMs: number, graceful: boolean): Applied => {
    if (!controller.isBootstrapped) return { applied: false, note: 'no controller to kill before bootstrap' };
    if (freeze.paused) return { applied: false, note: 'the controller is paused' };
    if (dead) return { applied: false, note: 'the controller is down already' };
    history.record({ type: 'fault-start', fault: 'crash', ...(graceful ? { graceful } : {}) });
    const state = JSON.parse(JSON.stringify(controller.durable())) as DurableController;
    freeze.kill();
    // A stop lets the server close its connections as it shuts down (the records say so); a kill
    // leaves them to the controller that starts next.
    if (graceful) controller.dispose();
    else controller.abandon();
    const waiting: (() => void)[] = (dead = []);
    clock.after(downMs, () => {
      dead = undefined;
      history.record({ type: 'fault-end', fault: 'crash' });
      controller = model({
        ...deps,
        rng: rng.fork(`controller-life-${++lives}`),
        recover: { state, records: history.records },
      });
      // The run's ties died with the killed controller's memory: they are the harness's, so the new one gets them.
      for (const tie of ties.list()) armIn(tie);
      for (const act of waiting) act();
    });
    return true;
  };
  const clients = new Map<string, Client>();
  for (const name of params.clients) {
    clients.set(
      name,
      config.client.create({
        name,
        clock,
        rng: rng.fork(name),
        history,
        dial: network.dialer(name),
        credentials: SIM_CREDENTIALS,
        deployDeadlineMs: config.scenario.deadlines.deployMs,
        charmSource: charmSourceOf(config.controller.clientVersion),
      }),
    );
  }

  /** The ties armed and not yet fired or dropped: they outlive a crash (world.ts ArmedTies). */
  const ties = new ArmedTies();
  // The controller fires a tied fault at the client's activity, inside its own handling of the
  // call: the fault acts through this same world, at once.
  const armIn = ({ index, event, client, on }: ArmedTie): void =>
    controller.activity.arm(
      client,
      on,
      () => {
        ties.settled(index);
        recordEvent(history, index, event, applyEvent(world, event) as Applied);
      },
      (note) => {
        ties.settled(index);
        recordEvent(history, index, event, { applied: false, note });
      },
      tieCondition(event),
    );
  const world: World = {
    clock,
    // A tie drawn while the controller is down waits for the one that starts next. The sim runs
    // built-in clients only, whose removals are their own: a removal tied to a login is not theirs.
    arm: (index, event, client, on) => {
      if (event.kind === 'remove') return TIED_REMOVE_NOT_APPLIED;
      const tie = { index, event, client, on };
      ties.add(tie);
      if (!dead) armIn(tie);
      return true;
    },
    tieOf: activityTie, // the sim runs built-in clients, whose timed removals are their own
    history,
    bootstrap: () =>
      operator(() => {
        if (!controller.bootstrap()) return false;
        for (const client of clients.values()) client.start();
        return true;
      }),
    publish: (version) => operator(() => controller.publish(version)),
    upgrade: (request) => operator(() => controller.requestUpgrade(request).ok),
    restart: () => operator(() => controller.restart()),
    disconnect: (client) => network.reset(client),
    halfOpen: (client) => network.halfOpen(client),
    stopWatchers: (client) => {
      if (dead) return { applied: false, note: 'the controller is down' };
      if (freeze.paused) return { applied: false, note: 'the controller is paused' };
      return controller.stopWatchers(client);
    },
    partition: (client, durationMs) => {
      if (!network.partition(client)) return false;
      history.record({ type: 'fault-start', fault: 'partition', client });
      clock.after(durationMs, () => heal(client));
      return true;
    },
    slow: (client, durationMs, latencyMs) => {
      if (!network.slow(client, latencyMs)) return false;
      history.record({ type: 'fault-start', fault: 'slow', client, latencyMs });
      clock.after(durationMs, () => unslow(client));
      return true;
    },
    crash,
    pause: (durationMs) => {
      if (dead) return { applied: false, note: 'the controller is down' };
      if (!freeze.pause()) return false;
      history.record({ type: 'fault-start', fault: 'pause' });
      clock.after(durationMs, resume);
      return true;
    },
    deploy: (client, app, units) => {
      clients.get(client)?.deploy(app, units);
      return clients.has(client);
    },
    remove: (client, app) => clientAction(clients.get(client), config.client.name, 'remove', (c) => c.remove?.(app)),
    rewatch: (client) => clientAction(clients.get(client), config.client.name, 'rewatch', (c) => c.rewatch?.()),
    upgradeIdle: () => !dead && controller.isUp && !controller.upgrading,
    waiting: new WaitingEvents(),
  };
  const heal = (client: string): void => {
    if (network.heal(client)) history.record({ type: 'fault-end', fault: 'partition', client });
  };
  const unslow = (client: string): void => {
    if (network.unslow(client)) history.record({ type: 'fault-end', fault: 'slow', client });
  };
  const resume = (): void => {
    if (!freeze.paused) return;
    history.record({ type: 'fault-end', fault: 'pause' });
    freeze.resume();
  };

  // The closing sequence (targets/closing.ts), every step synchronous on the virtual clock.
  const finish = (): HistoryRecord[] => {
    const final = closeRun({
      clock,
      history,
      deadlines: config.scenario.deadlines,
      clients,
      armedTies: () => ties.size,
      available: () =>
        !dead &&
        !freeze.paused &&
        world.upgradeIdle() === true &&
        ties.list().some((t) => !network.isPartitioned(t.client)),
      healFaults: () => {
        if (!dead) controller.activity.quiesce();
        // Killed still: its ties wait for a controller that starts after quiescence, which arms none.
        const note = `${NOT_FIRED_BY_QUIESCENCE}: the controller was down`;
        for (const t of ties.list({ clear: true })) recordEvent(history, t.index, t.event, { applied: false, note });
        for (const client of network.partitionedClients()) heal(client);
        for (const client of network.slowedClients()) unslow(client);
        resume();
      },
      // The sim's questions are all answered synchronously (a boolean, never a promise): asked
      // before every timer of the closing, they go to the clock as they are, with no wrapper.
      runUntil: (limitMs, quiet) => clock.runUntil(limitMs, quiet as (() => boolean) | undefined),
      controllerQuiet: () => !dead && controller.quiet,
      waitingEvents: () => world.waiting.count,
      finalModel: () => ({ version: controller.version, model: controller.view(), charms: controller.charms() }),
    });
    assert(!(final instanceof Promise), 'the sim closes a run synchronously: none of its steps returns a promise');
    for (const client of clients.values()) client.stop();
    controller.dispose();
    return history.records;
  };
  return { world, clock, finish };
}
