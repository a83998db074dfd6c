/**
 * What a history shows of the controller's version and of its upgrades, read from every record
 * that shows it rather than from one record type, so that a controller which forgets one kind of
 * record (a version change with no `version` record, an upgrade with no `upgrade-pending`) is still
 * seen changing version and upgrading. Properties feed it each record in order (`observe`) and
 * read its state; it is a pure fold over the history.
 *
 * The running version: set by `bootstrap` (version); changed by `agent-up` (version), `version`
 * (to) and `final-model` (version), whichever shows the change first. One change is reported once:
 * an `agent-up` at 1.24.2 followed by `version` 1.24.0 -> 1.24.2 is one change, seen in agent-up.
 *
 * The upgrade window (an upgrade pending or running): opened by the first of `upgrade-pending`
 * (from -> to), `download` (-> its version), `agent-down` with reason 'upgrade', `upgrade-steps`
 * (-> its version) or a version change, when no window is open; closed by `upgrade-end`. A window
 * that no `upgrade-end` closes stays open to the end of the history.
 */
import type { HistoryRecord, RecordType } from '../harness/history.ts';

/** The record types UpgradeTracker.observe reads (a property that uses it reads them too). */
export const UPGRADE_TRACKER_READS: readonly RecordType[] = [
  'bootstrap',
  'upgrade-pending',
  'download',
  'upgrade-steps',
  'agent-down',
  'upgrade-end',
  'agent-up',
  'version',
  'final-model',
];

/** A change of the running version, and the record type that showed it first. */
export interface VersionChange {
  t: number;
  from: string;
  to: string;
  seenIn: 'agent-up' | 'version' | 'final-model';
}

/** An upgrade pending or running: from which version to which (to is '?' until a record names it). */
export interface UpgradeWindow {
  from: string;
  to: string;
  since: number;
}

const UNKNOWN = '?';

export class UpgradeTracker {
  /** The version the controller runs, as last shown (undefined before bootstrap). */
  running: string | undefined;
  /** The upgrade pending or running now, if any. */
  window: UpgradeWindow | undefined;

  /** Takes the next record into account; returns the version change it shows, if any. */
  observe(r: HistoryRecord): VersionChange | undefined {
    switch (r.type) {
      case 'bootstrap':
        this.running = r.version;
        return undefined;
      case 'upgrade-pending':
        this.window ??= { from: r.from, to: r.to, since: r.t };
        if (this.window.to === UNKNOWN) this.window.to = r.to;
        return undefined;
      case 'download':
      case 'upgrade-steps':
        this.open(r.t, r.version);
        return undefined;
      case 'agent-down':
        if (r.reason === 'upgrade') this.open(r.t, UNKNOWN);
        return undefined;
      case 'upgrade-end':
        this.window = undefined;
        return undefined;
      case 'agent-up':
        return this.runs(r.t, r.version, 'agent-up');
      case 'version':
        return this.runs(r.t, r.to, 'version', r.from);
      case 'final-model':
        return this.runs(r.t, r.version, 'final-model');
      default:
        return undefined;
    }
  }

  /** "from -> to" of the window, for messages. */
  describeWindow(): string | undefined {
    return this.window ? `${this.window.from} -> ${this.window.to}` : undefined;
  }

  private open(t: number, to: string): void {
    if (!this.window) this.window = { from: this.running ?? UNKNOWN, to, since: t };
    else if (this.window.to === UNKNOWN) this.window.to = to;
  }

  private runs(t: number, version: string, seenIn: VersionChange['seenIn'], from?: string): VersionChange | undefined {
    const before = this.running ?? from;
    this.running = version;
    if (before === undefined || before === version) return undefined;
    this.open(t, version);
    return { t, from: before, to: version, seenIn };
  }
}
