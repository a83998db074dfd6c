/**
 * Per client, its live watchers, for Controller.watcherLost in O(1): it is asked at every login of
 * a client with an armed `watcher-lost` trigger (activity-triggers.ts), not only at an operator's
 * removal, so it must not walk the history. Kept as the controller records each watcher-start and
 * watcher-stop; built from the records when a controller starts over a history that has them (a
 * crash's recovery), so it answers as the records do.
 */
import type { HistoryRecord } from '../history.ts';

export class LiveWatchers {
  /** Client -> its live watcher ids; a client is here once it had a watcher. */
  private readonly byClient = new Map<string, Set<string>>();
  /** Client -> how many times its last live watcher stopped (losses()). */
  private readonly lossCount = new Map<string, number>();

  static of(records: readonly HistoryRecord[]): LiveWatchers {
    const watchers = new LiveWatchers();
    for (const r of records) {
      if (r.type === 'watcher-start') watchers.started(r.client, r.watcher);
      else if (r.type === 'watcher-stop') watchers.stopped(r.client, r.watcher);
    }
    return watchers;
  }

  started(client: string, watcher: string): void {
    let live = this.byClient.get(client);
    if (!live) this.byClient.set(client, (live = new Set()));
    live.add(watcher);
  }

  stopped(client: string, watcher: string): void {
    const live = this.byClient.get(client);
    if (!live?.delete(watcher) || live.size > 0) return;
    this.lossCount.set(client, this.losses(client) + 1);
  }

  /** How many times `client` went from some live watcher to none: a dropped tie's note tells by it
   *  whether the client lost its watcher while the tie was armed (activity-triggers.ts). */
  losses(client: string): number {
    return this.lossCount.get(client) ?? 0;
  }

  /** Whether `client` had a watcher and has none live now. */
  lost(client: string): boolean {
    return this.byClient.get(client)?.size === 0;
  }
}
