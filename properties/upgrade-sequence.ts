import type { History, HistoryRecord } from '../harness/history.ts';
import { isControllerSide } from './common.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';
import { UPGRADE_TRACKER_READS, UpgradeTracker } from './upgrade-tracker.ts';

const NAME = 'upgrade-sequence';

/** Where an upgrade is: waiting for its binaries, downloaded, restarting into them, restarted, steps. */
type Phase = 'idle' | 'pending' | 'downloaded' | 'restarting' | 'restarted' | 'steps';

/** The records of versions and upgrades (every type the sequence reads is one the tracker reads). */
const READS = new Selection(UPGRADE_TRACKER_READS, { places: true });

/**
 * upgrade-sequence (Juju's upgrader, in order): an upgrade goes `upgrade-pending` (from -> to),
 * `download` (to) until one is ok, `agent-down` (reason 'upgrade'), `agent-up` at the new version,
 * a `version` record (from -> to), `upgrade-steps` (to), `upgrade-end` (to). Violations:
 *
 * - a version change outside that sequence: any change the upgrade tracker (upgrade-tracker.ts)
 *   reads from `agent-up`, `version` or `final-model` other than the agent coming up at the target
 *   of the upgrade it restarted for (a crash restart into another version, a `version` record out
 *   of the blue, a final model at a version never restarted into);
 * - a version change visible only in `agent-up` records: an agent-up at a new version whose
 *   `version` record of that change is not the next record the controller wrote (records of the
 *   harness and clients may come between on real targets, and the time may differ by a tick);
 * - steps out of order: `upgrade-steps` or `upgrade-end` before the agent restarted into the
 *   target (steps that "end" before the restart), an `upgrade-end` without steps since that
 *   restart, a `download` or an upgrade `agent-down` with no upgrade pending (or before a download
 *   succeeded), an `upgrade-pending` while another upgrade is under way or from a version the
 *   controller does not run.
 *
 * A crash (`agent-down` reason 'restart', or 'crash' when the whole controller was killed) may land anywhere: the agent must come back at the version
 * it ran, after which a pending upgrade downloads again and interrupted steps run again. Failed
 * downloads are retried. An upgrade unfinished at the end of the history is not a violation (the
 * run ended). One violation per offending record. Without controller-side records (an external
 * controller) the property cannot judge: unknown.
 */
export const upgradeSequence: Property = {
  name: NAME,
  summary: 'upgrades go pending, download, agent down, agent up at the target, steps, end; versions change only so',
  cannotJudge: (history) => HistoryIndex.of(history).controllerUnseen,
  check(history: History): Violation[] {
    const index = HistoryIndex.of(history);
    const sequence = new Sequence();
    const { records, at } = index.selectAt(READS);
    for (let i = 0; i < records.length; i++) {
      // A controller-side record the sequence does not read came between: not the awaited version record.
      if (sequence.awaitsVersion && index.controllerSideBetween(at[i - 1] ?? -1, at[i]!)) sequence.flushUnannounced();
      sequence.observe(records[i]!);
    }
    sequence.flushUnannounced();
    return sequence.violations;
  },
};

class Sequence {
  readonly violations: Violation[] = [];
  private readonly versions = new UpgradeTracker();
  private phase: Phase = 'idle';
  private target = '';
  /** Why the agent is down, if it is. */
  private down: 'upgrade' | 'restart' | 'crash' | undefined;
  /** An agent-up at a new version, waiting for its `version` record (the controller's next record). */
  private unannounced: { t: number; from: string; to: string } | undefined;

  observe(r: HistoryRecord): void {
    if (isControllerSide(r) && !this.announces(r)) this.flushUnannounced();
    const before = this.versions.running;
    const change = this.versions.observe(r);
    switch (r.type) {
      case 'upgrade-pending':
        if (this.phase !== 'idle')
          this.add(r.t, `upgrade ${r.from} -> ${r.to} pending while the upgrade to ${this.target} is ${this.phase}`);
        else if (before !== undefined && r.from !== before)
          this.add(r.t, `upgrade pending from ${r.from}, but the controller runs ${before}`);
        this.phase = 'pending';
        this.target = r.to;
        return;
      case 'download':
        if (this.phase !== 'pending' || r.version !== this.target)
          this.add(r.t, `download of ${r.version} while ${this.describe()}`);
        else if (r.ok) this.phase = 'downloaded';
        return;
      case 'agent-down':
        this.down = r.reason;
        if (r.reason !== 'upgrade') return;
        if (this.phase !== 'downloaded') this.add(r.t, `agent went down for an upgrade while ${this.describe()}`);
        this.phase = 'restarting';
        return;
      case 'agent-up':
        return this.agentUp(r.t, r.version, before);
      case 'version':
        return this.versionRecord(r, change !== undefined);
      case 'upgrade-steps':
        if (!(this.phase === 'restarted' || this.phase === 'steps') || r.version !== this.versions.running)
          this.add(
            r.t,
            `upgrade steps for ${r.version} started before the agent restarted into it (${this.describe()})`,
          );
        this.phase = 'steps';
        return;
      case 'upgrade-end':
        if (this.phase !== 'steps' || r.version !== this.target)
          this.add(
            r.t,
            `upgrade to ${r.version} ended without its steps running after the restart (${this.describe()})`,
          );
        this.phase = 'idle';
        return;
      case 'final-model':
        if (change)
          this.add(r.t, `final model at ${change.to}, but the controller was last seen running ${change.from}`);
        return;
    }
  }

  /** An agent-up at a new version waits for its `version` record, the controller's next record. */
  get awaitsVersion(): boolean {
    return this.unannounced !== undefined;
  }

  /** An agent-up at a new version whose `version` record never came: the change was visible only there. */
  flushUnannounced(): void {
    const u = this.unannounced;
    if (!u) return;
    this.unannounced = undefined;
    this.add(u.t, `version changed ${u.from} -> ${u.to} visible only in agent-up (no version record)`);
  }

  private agentUp(t: number, version: string, before: string | undefined): void {
    const reason = this.down;
    this.down = undefined;
    if (before !== undefined && version !== before) this.unannounced = { t, from: before, to: version };
    if (reason === 'upgrade' && this.phase === 'restarting') {
      if (version !== this.target) this.add(t, `agent came up at ${version}, not the upgrade's target ${this.target}`);
      this.phase = 'restarted';
    } else if (before !== undefined && version !== before) {
      this.add(
        t,
        `version changed ${before} -> ${version} outside an upgrade (agent-up after ${reason ?? 'no agent-down'})`,
      );
    }
  }

  /** Whether `r` is the `version` record of the agent-up's change. */
  private announces(r: HistoryRecord): boolean {
    const u = this.unannounced;
    return u !== undefined && r.type === 'version' && r.from === u.from && r.to === u.to;
  }

  private versionRecord(r: Extract<HistoryRecord, { type: 'version' }>, isNewChange: boolean): void {
    const u = this.unannounced;
    if (u && this.announces(r)) {
      this.unannounced = undefined; // the agent-up's change, announced
      return;
    }
    if (isNewChange || this.phase !== 'restarted')
      this.add(r.t, `version ${r.from} -> ${r.to} recorded outside an upgrade's restart (${this.describe()})`);
  }

  private describe(): string {
    return this.phase === 'idle' ? 'no upgrade is pending' : `the upgrade to ${this.target} is ${this.phase}`;
  }

  private add(t: number, message: string): void {
    this.violations.push({ property: NAME, t, message });
  }
}
