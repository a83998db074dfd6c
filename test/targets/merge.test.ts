import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import { mergeHistories } from '../../harness/targets/live/merge.ts';

const params = { clients: ['client-0'], resumeDeadlineMs: 1, requestDeadlineMs: 1 };

describe('targets/live/merge', () => {
  it("orders by time, keeps each side's order, puts the controller first on ties, and keeps the closing records last", () => {
    const local: HistoryRecord[] = [
      { t: 5, type: 'run-start', scenario: 's', target: 'process', seed: 1, params },
      { t: 10, type: 'event', index: 0, event: { kind: 'bootstrap' }, applied: true },
      { t: 20, type: 'client-conn', client: 'client-0', conn: 1, state: 'open' },
      { t: 20, type: 'quiescence' },
      { t: 30, type: 'client-view', client: 'client-0', watching: true, view: { applications: {} } },
      { t: 31, type: 'final-model', version: '1', model: { applications: {} } },
      { t: 31, type: 'run-end' },
    ];
    const controller: HistoryRecord[] = [
      { t: 2, type: 'bootstrap', version: '1', desired: '1' },
      { t: 20, type: 'conn-open', conn: 1, client: 'client-0' },
      { t: 35, type: 'conn-close', conn: 1, client: 'client-0', reason: 'client' },
    ];
    const merged = mergeHistories(local, controller);
    expect(merged.map((r) => `${r.t} ${r.type}`)).toEqual([
      '5 run-start',
      '2 bootstrap',
      '10 event',
      '20 conn-open',
      '20 client-conn',
      '20 quiescence',
      '35 conn-close',
      '35 client-view',
      '35 final-model',
      '35 run-end',
    ]);
  });

  it('insists on run-start first', () => {
    expect(() => mergeHistories([{ t: 0, type: 'run-end' }], [])).toThrow(/run-start/);
  });
});
