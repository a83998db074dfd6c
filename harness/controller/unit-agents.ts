/**
 * Unit agents: each unit runs its hooks (install, config-changed, start, update-status) one after
 * another, each taking time. The agent is `allocating` until install starts, `executing` through
 * the hooks (install, config-changed and start run back to back) and `idle` after them; the workload
 * is `waiting` ("waiting for machine") until install starts, `maintenance` through the hooks, and
 * `active` only once the workload is up: as in Juju, a charm's start hook starts its
 * service and the unit goes idle with the workload still coming up ("waiting"), until a later hook
 * (here the first update-status, timing.settleMs after start) finds it up and sets it active. So a
 * unit's agent is idle before its workload is active, and a script that takes agent `idle` for done
 * (instead of workload `active`, as python-libjuju's wait_for_idle requires both) reports too early. An agent restart interrupts hooks in flight; what happens then is the profile's
 * choice: Juju 1.22 left the unit in error for good; `retry` shows the unit in error ("hook
 * failed") and runs the hook again after a backoff once the agent is back (Juju 2.x's
 * automatically-retry-hooks, on by default); `rerun` runs it again at once, silently.
 */
import assert from 'node:assert/strict';
import type { Scheduler, TimerHandle } from '../clock.ts';
import type { Recorder } from '../history.ts';
import type { Rng } from '../rng.ts';
import type { ModelState, StatusPair, Unit } from './model-state.ts';
import type { ControllerProfile } from './profile.ts';

const HOOKS = ['install', 'config-changed', 'start', 'update-status'] as const;
/** The hook that waits timing.settleMs after the one before it (the workload coming up). */
const SETTLES_BEFORE = HOOKS.indexOf('update-status');

/** The statuses a unit shows while each hook runs, written once rather than per hook run. */
const RUNNING: readonly { workload: StatusPair; agent: StatusPair }[] = HOOKS.map((hook) => ({
  workload: ['maintenance', `running ${hook} hook`],
  agent: ['executing', `running ${hook} hook`],
}));
const ACTIVE: StatusPair = ['active', ''];
const IDLE: StatusPair = ['idle', ''];
const STARTING: StatusPair = ['waiting', 'workload starting'];

/** The timer of a hook whose process is gone (restored after a crash) or not yet scheduled. */
const NO_TIMER: TimerHandle = { cancel: () => {} };

interface UnitAgent {
  unit: Unit;
  /** Each unit draws its hook durations from its own stream. */
  rng: Rng;
  next: number; // index into HOOKS
  running: { hook: string; timer: TimerHandle } | undefined;
  failed: boolean;
  /** Failures of the current hook in a row that the agent will retry (`retry` profiles): while
   *  above 0 a failed agent waits for its retry; the backoff doubles with each. */
  failures: number;
  /** The backoff before the retry, armed once hooks may run (the agent restarts it when it restarts). */
  retry: TimerHandle | undefined;
  /** The wait before update-status (timing.settleMs), armed once hooks may run; `settled` once over. */
  settle: TimerHandle | undefined;
  settled: boolean;
}

/** Juju's hook retry backoff stops doubling at five minutes. */
const HOOK_RETRY_MAX_MS = 300_000;

/** What of it survives a crash (durable-state.ts). */
export interface DurableUnitAgent {
  unit: string;
  /** Hooks done (index of the next one). */
  next: number;
  failed: boolean;
  /** A failed hook the agent will retry, and how many times in a row it failed. */
  failures?: number;
  /** The hook in flight when the state was written: a crash interrupts it. */
  running?: string;
}

export class UnitAgents {
  private readonly agents: UnitAgent[] = [];
  /** Inside held(): hooks wait, and whether a kick came meanwhile. */
  private holding = false;
  private kickWhenReleased = false;

  constructor(
    private readonly clock: Scheduler,
    private readonly rng: Rng,
    private readonly model: ModelState,
    private readonly profile: ControllerProfile,
    private readonly history: Recorder,
    /** Whether hooks may start now (agent up; under the restricted API, no upgrade pending). */
    private readonly mayRunHooks: () => boolean,
  ) {}

  add(units: readonly Unit[]): void {
    for (const unit of units) this.agents.push(this.newAgent(unit, 0, false, 0, undefined));
    this.kick();
  }

  /** Forget the agents of units no longer in the model: each stops with its unit, and a hook it
   *  was running ends, interrupted (the history shows every hook's end). */
  prune(): void {
    const kept = this.agents.filter((agent) => {
      if (this.model.application(agent.unit.application)?.units.includes(agent.unit)) return true;
      this.interrupt(agent);
      agent.retry?.cancel();
      agent.settle?.cancel();
      return false;
    });
    this.agents.splice(0, this.agents.length, ...kept);
  }

  /**
   * Runs `fn` with no hook starting, then starts what it made startable. An API call that adds
   * units records its request inside `fn`, so the request comes before the hooks it causes: on a
   * real clock the hooks would otherwise be a few milliseconds before the request that created
   * their application (agent-lifecycle reads hooks after a removal and before such a request as
   * outliving the application).
   */
  held<T>(fn: () => T): T {
    assert(!this.holding, 'held() does not nest');
    this.holding = true;
    try {
      return fn();
    } finally {
      this.holding = false;
      if (this.kickWhenReleased) {
        this.kickWhenReleased = false;
        this.kick();
      }
    }
  }

  /** Start whatever hooks may start now. Called whenever the conditions may have changed. */
  kick(): void {
    if (this.holding) {
      this.kickWhenReleased = true;
      return;
    }
    if (!this.mayRunHooks()) return;
    for (const agent of this.agents) {
      if (agent.failed) {
        if (agent.failures > 0 && !agent.retry) this.armRetry(agent);
      } else if (!agent.running && agent.next < HOOKS.length) {
        if (agent.next === SETTLES_BEFORE && !agent.settled) this.armSettle(agent);
        else this.start(agent);
      }
    }
  }

  /** The unit's start hook is done and its workload is coming up: update-status runs once it is. */
  private armSettle(agent: UnitAgent): void {
    if (agent.settle) return;
    const [min, max] = this.profile.timing.settleMs;
    agent.settle = this.clock.after(agent.rng.int(min, max), () => {
      agent.settle = undefined;
      agent.settled = true;
      this.kick();
    });
  }

  /** The agent is up again with a failed hook to retry: it waits the backoff, then runs it again. */
  private armRetry(agent: UnitAgent): void {
    const backoffMs = Math.min(HOOK_RETRY_MAX_MS, this.profile.timing.hookRetryMs * 2 ** (agent.failures - 1));
    agent.retry = this.clock.after(backoffMs, () => {
      agent.retry = undefined;
      agent.failed = false;
      this.kick();
    });
  }

  /** The agent restarted: every hook in flight is interrupted, and a retry's backoff starts again
   *  when the agent is back. */
  interruptAll(): void {
    for (const agent of this.agents) {
      agent.retry?.cancel();
      agent.retry = undefined;
      agent.settle?.cancel(); // waited for again once the agent is back
      agent.settle = undefined;
      const hook = this.interrupt(agent);
      if (hook === undefined || this.profile.interruptedHook === 'rerun') continue;
      agent.failed = true;
      if (this.profile.interruptedHook === 'retry') agent.failures++;
      this.model.setUnitStatus(agent.unit, ['error', `hook failed: "${hook}"`], ['error', `hook failed: "${hook}"`]);
    }
  }

  /** Ends the agent's hook in flight, if any, as interrupted; returns its name. */
  private interrupt(agent: UnitAgent): string | undefined {
    if (!agent.running) return undefined;
    const { hook, timer } = agent.running;
    timer.cancel();
    agent.running = undefined;
    this.history.record({ type: 'hook-end', unit: agent.unit.name, hook, result: 'interrupted', t: 0 });
    return hook;
  }

  /** Each agent's progress (durable-state.ts); a hook in flight is named, for the crash to interrupt. */
  durable(): DurableUnitAgent[] {
    return this.agents.map((a) => ({
      unit: a.unit.name,
      next: a.next,
      failed: a.failed,
      ...(a.failures > 0 ? { failures: a.failures } : {}),
      ...(a.running ? { running: a.running.hook } : {}),
    }));
  }

  /** Takes back durable()'s agents over the restored model's units; hooks in flight hold no timer
   *  (the process that ran them is gone): interruptAll ends them. */
  restore(agents: readonly DurableUnitAgent[]): void {
    for (const d of agents) {
      const unit = this.model
        .application(d.unit.slice(0, d.unit.lastIndexOf('/')))
        ?.units.find((u) => u.name === d.unit);
      if (!unit) continue;
      const running = d.running !== undefined ? { hook: d.running, timer: NO_TIMER } : undefined;
      this.agents.push(this.newAgent(unit, d.next, d.failed, d.failures ?? 0, running));
    }
  }

  /** Every agent has every field from the start, in one order: an agent never changes shape (a
   *  field added later gives agents a second hidden class, and the optimized kick() deopts). */
  private newAgent(
    unit: Unit,
    next: number,
    failed: boolean,
    failures: number,
    running: UnitAgent['running'],
  ): UnitAgent {
    const rng = this.rng.fork(unit.name);
    return { unit, rng, next, running, failed, failures, retry: undefined, settle: undefined, settled: false };
  }

  busy(): boolean {
    // A failed hook the agent will retry is work still to come.
    return this.agents.some((a) => a.running !== undefined || a.failures > 0 || (!a.failed && a.next < HOOKS.length));
  }

  private start(agent: UnitAgent): void {
    const hook = HOOKS[agent.next];
    assert(hook !== undefined, 'kick starts an agent only while it has hooks left to run');
    // In flight before its record: on the server each record saves the durable state, which must
    // name the hook for a crash right after it to interrupt (else the hook never ends).
    const inFlight = { hook, timer: NO_TIMER };
    agent.running = inFlight;
    this.history.record({ type: 'hook-start', unit: agent.unit.name, hook, t: 0 });
    const running = RUNNING[agent.next];
    if (running) this.model.setUnitStatus(agent.unit, running.workload, running.agent); // there is one per hook
    const [min, max] = this.profile.timing.hookMs;
    inFlight.timer = this.clock.after(agent.rng.int(min, max), () => {
      agent.running = undefined;
      agent.failures = 0;
      agent.next++;
      this.history.record({ type: 'hook-end', unit: agent.unit.name, hook, result: 'ok', t: 0 });
      if (agent.next === HOOKS.length) this.model.setUnitStatus(agent.unit, ACTIVE, IDLE);
      else if (agent.next === SETTLES_BEFORE) this.model.setUnitStatus(agent.unit, STARTING, IDLE);
      this.kick();
    });
  }
}
