/**
 * Hand-written histories for property tests: a run-start with params, then records appended at
 * explicit times (which must not go backwards, as in a real history).
 */
import type { History, HistoryBody, HistoryRecord, ModelView, RunParams } from '../../harness/history.ts';
import type { Violation } from '../../properties/property.ts';

export const DEFAULT_PARAMS: RunParams = {
  clients: ['client-0', 'client-1'],
  resumeDeadlineMs: 1000,
  requestDeadlineMs: 500,
};

export class HistoryBuilder {
  readonly records: HistoryRecord[];
  constructor(params: Partial<RunParams> = {}) {
    this.records = [
      {
        t: 0,
        type: 'run-start',
        scenario: 'test',
        target: 'sim',
        seed: 1,
        params: { ...DEFAULT_PARAMS, ...params },
      },
    ];
  }

  /** Appends records, in order, all at time t. */
  at(t: number, ...bodies: HistoryBody[]): this {
    const last = this.records[this.records.length - 1]!.t;
    if (t < last) throw new Error(`record at t=${t} after one at t=${last}`);
    for (const body of bodies) this.records.push({ t, ...body } as HistoryRecord);
    return this;
  }

  /** Appends run-end at t and returns the history. */
  end(t: number): History {
    return this.at(t, { type: 'run-end' }).records;
  }
}

export function history(params: Partial<RunParams> = {}): HistoryBuilder {
  return new HistoryBuilder(params);
}

/** The controller's record that it accepted `client`'s Application.Deploy of `apps` (on conn 1). */
export function deployAccepted(apps: string[], client = 'client-0'): Extract<HistoryBody, { type: 'request' }> {
  return { type: 'request', conn: 1, client, facade: 'Application', method: 'Deploy', accepted: true, apps };
}

/** A ModelView from { app: { unit: status } }. */
export function view(apps: Record<string, Record<string, string>>): ModelView {
  return {
    applications: Object.fromEntries(Object.entries(apps).map(([app, units]) => [app, { units }])),
  };
}

export function messages(violations: readonly Violation[]): string[] {
  return violations.map((v) => v.message);
}
