/**
 * Whether the controller is available to a client: the one notion of "time the plan took away"
 * that properties excuse a client for. A pure fold over the history, fed each record in order
 * (`observe`). Unavailable: between `agent-down` and `agent-up`, inside an
 * upgrade window (upgrade-tracker.ts: from `upgrade-pending`, or the first record that shows an
 * upgrade, to `upgrade-end`), while the controller is paused or killed (`fault-start` pause or crash
 * .. `fault-end`), and, for one client, inside that client's partitions and slow links (`fault-start`
 * .. `fault-end` naming it; they may overlap). A slow link (plan.ts `slow`) is up, but how much of it
 * a correct client can use depends on its own timeouts, which the history does not show: none of it
 * is counted as available.
 */
import type { HistoryRecord, RecordType } from '../harness/history.ts';
import { UPGRADE_TRACKER_READS, UpgradeTracker } from './upgrade-tracker.ts';

/** The record types Availability.observe reads (a property that uses it reads them too). */
export const AVAILABILITY_READS: readonly RecordType[] = [...UPGRADE_TRACKER_READS, 'fault-start', 'fault-end'];

export class Availability {
  private agentDown = false;
  /** The controller frozen (pause) or dead (crash): it answers no one. */
  private paused = false;
  private readonly partitions = new Map<string, number>(); // client -> partitions and slow links in force
  private readonly upgrades = new UpgradeTracker();

  observe(r: HistoryRecord): void {
    this.upgrades.observe(r);
    switch (r.type) {
      case 'agent-down':
        this.agentDown = true;
        break;
      case 'agent-up':
        this.agentDown = false;
        break;
      case 'fault-start':
        if (r.fault === 'pause' || r.fault === 'crash') this.paused = true;
        else this.partitions.set(r.client, (this.partitions.get(r.client) ?? 0) + 1);
        break;
      case 'fault-end':
        if (r.fault === 'pause' || r.fault === 'crash') this.paused = false;
        else this.partitions.set(r.client, Math.max(0, (this.partitions.get(r.client) ?? 0) - 1));
        break;
    }
  }

  /** The controller is up and serving: agent up, no upgrade, not paused or killed. (Before bootstrap
   *  too: an external controller's history has no bootstrap record; a property that cares reads it.) */
  get serving(): boolean {
    return !this.agentDown && !this.paused && this.upgrades.window === undefined;
  }

  /** The controller is serving and `client` is neither partitioned from it nor slowed. */
  availableTo(client: string): boolean {
    return this.serving && (this.partitions.get(client) ?? 0) === 0;
  }
}
