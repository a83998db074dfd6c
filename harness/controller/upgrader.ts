/**
 * The upgrader and the agent's lifecycle: watch the desired version; when it differs from the
 * running one, download the binaries (retrying failures), restart the agent into them (which drops
 * every API connection), then run the upgrade steps. A crash (restart) can land anywhere in this.
 */
import assert from 'node:assert/strict';
import type { Scheduler, TimerHandle } from '../clock.ts';
import type { Recorder } from '../history.ts';
import type { Rng } from '../rng.ts';
import type { ControllerProfile, Range } from './profile.ts';

export type UpgradePhase = 'idle' | 'pending' | 'downloading' | 'steps';

/** What the upgrader needs from the rest of the controller. */
export interface AgentHooks {
  /** The agent went down: close connections, interrupt hooks. */
  down(): void;
  /** Upgrade steps are about to run / have finished. */
  stepsStarting(): void;
  stepsFinished(): void;
  /** Anything that changes what the API and unit agents may do happened. */
  changed(): void;
}

/** What of it survives a crash (durable-state.ts). */
export interface DurableUpgrader {
  running: string;
  desired: string;
  phase: UpgradePhase;
  up: boolean;
  staged?: string;
}

export class Upgrader {
  running = '';
  desired = '';
  phase: UpgradePhase = 'idle';
  up = false;
  /** The version whose binaries are downloaded and will be run after the next restart. */
  private staged: string | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Scheduler,
    private readonly rng: Rng,
    private readonly profile: ControllerProfile,
    private readonly history: Recorder,
    private readonly hooks: AgentHooks,
  ) {}

  /** An upgrade is pending or running: desired differs from running, or steps are not done. */
  get upgrading(): boolean {
    return this.phase !== 'idle';
  }

  start(version: string, desired: string): void {
    this.running = version;
    this.desired = version;
    this.up = true;
    if (desired !== version) this.setDesired(desired);
  }

  setDesired(version: string): void {
    // The controller refuses an upgrade while one is in progress or the agent is down.
    assert(this.up && this.phase === 'idle', 'an upgrade starts only on a running agent with no upgrade in progress');
    this.history.record({ type: 'upgrade-pending', from: this.running, to: version });
    this.desired = version;
    this.phase = 'pending';
    this.scheduleDownload(this.profile.timing.upgraderDelayMs);
    this.hooks.changed();
  }

  /** Crash and restart the agent (a fault, not an upgrade). */
  crash(): boolean {
    if (!this.up) return false;
    this.goDown('restart');
    return true;
  }

  dispose(): void {
    this.timer?.cancel();
  }

  /** What survives a crash: the versions, the phase, staged binaries (durable-state.ts). */
  durable(): DurableUpgrader {
    return {
      running: this.running,
      desired: this.desired,
      phase: this.phase,
      up: this.up,
      ...(this.staged !== undefined ? { staged: this.staged } : {}),
    };
  }

  /**
   * The controller starts after a crash with `d` from disk: an agent that was up as it died is
   * recorded down now (its connections and hooks end with it, through hooks.down), and it comes
   * up after a restart's time, where comeUp takes the upgrade on from its phase, as after a restart.
   */
  recover(d: DurableUpgrader): void {
    this.running = d.running;
    this.desired = d.desired;
    this.phase = d.phase;
    this.staged = d.staged;
    this.up = false;
    if (d.up) {
      this.history.record({ type: 'agent-down', reason: 'crash' });
      this.hooks.down();
    }
    this.timer = this.clock.after(this.pick(this.profile.timing.restartMs), () => this.comeUp());
  }

  private scheduleDownload(delay: Range | number): void {
    this.timer?.cancel();
    this.timer = this.clock.after(typeof delay === 'number' ? delay : this.pick(delay), () => this.download());
  }

  private download(): void {
    assert(this.up, 'a download is scheduled only while the agent is up (going down cancels it)');
    assert(this.phase === 'pending' || this.phase === 'downloading', 'a download follows a pending upgrade or a retry');
    this.phase = 'downloading';
    const version = this.desired;
    this.timer = this.clock.after(this.pick(this.profile.timing.downloadMs), () => {
      const ok = !this.rng.chance(this.profile.timing.downloadFailureRate);
      this.history.record({ type: 'download', version, ok });
      if (!ok) {
        this.scheduleDownload(this.profile.timing.retryMs);
        return;
      }
      this.staged = version;
      this.goDown('upgrade');
    });
  }

  private goDown(reason: 'upgrade' | 'restart'): void {
    assert(this.up, 'only a running agent goes down');
    this.timer?.cancel();
    this.up = false;
    this.history.record({ type: 'agent-down', reason });
    this.hooks.down();
    this.timer = this.clock.after(this.pick(this.profile.timing.restartMs), () => this.comeUp());
  }

  private comeUp(): void {
    assert(!this.up, 'the agent comes up only after going down');
    this.up = true;
    const from = this.running;
    if (this.staged !== undefined) this.running = this.staged;
    this.staged = undefined;
    this.history.record({ type: 'agent-up', version: this.running });
    if (from !== this.running) {
      this.history.record({ type: 'version', from, to: this.running });
      this.runSteps();
    } else if (this.phase === 'steps') {
      this.runSteps(); // crashed during the steps: they start again
    } else if (this.phase !== 'idle') {
      this.phase = 'pending';
      this.scheduleDownload(this.profile.timing.upgraderDelayMs);
    }
    this.hooks.changed();
  }

  private runSteps(): void {
    assert(this.up, 'upgrade steps run on a running agent');
    this.phase = 'steps';
    this.history.record({ type: 'upgrade-steps', version: this.running });
    this.hooks.stepsStarting();
    this.timer = this.clock.after(this.pick(this.profile.timing.stepsMs), () => {
      assert(
        this.up && this.phase === 'steps',
        'steps end only if no crash interrupted them (a crash cancels this timer)',
      );
      this.timer = undefined;
      this.phase = 'idle';
      this.hooks.stepsFinished();
      this.history.record({ type: 'upgrade-end', version: this.running });
      this.hooks.changed();
    });
  }

  private pick([min, max]: Range): number {
    return this.rng.int(min, max);
  }
}
