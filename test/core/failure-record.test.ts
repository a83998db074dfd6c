/**
 * A saved failure must read back whatever plan the generator can draw: the failure corpus and
 * `replay FILE` parse records strictly, so an event field the schema does not know (as the
 * activity-tied `on` and `when` once were) makes every later run in the checkout exit 2.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planArbitrary } from '../../harness/arbitraries.ts';
import { explore } from '../../harness/explore.ts';
import { failureRecord, parseFailureRecord } from '../../harness/failure-record.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { activityTie, EVENT_KINDS, WEIGHT_KEYS } from '../../harness/plan.ts';
import { API_ACTIVITIES } from '../../harness/controller/activity-triggers.ts';
import type { RunSettings } from '../../harness/run-settings.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const scenario = scenarioByName('juju-1.22-implicit-upgrade')!;
const config = resolveRun(scenario);
const settings: RunSettings = {
  target: { name: 'sim' },
  overrides: {},
  strategy: 'random',
  runs: 50,
  seed: 1,
  checkDeterminism: false,
};
const failure = explore(config, { runs: 50, seed: 1 }).failures[0]!;
const record = failureRecord(config, failure, settings, {
  id: 'a-failure',
  tool: { version: '0.0.0' },
  savedAt: '2026-11-27T00:00:00.000Z',
});
// Every event kind and the activity-tied faults drawn often, in plans long enough to hold them all.
const everyEvent = { ...scenario, weights: Object.fromEntries(WEIGHT_KEYS.map((key) => [key, 1])), maxEvents: 40 };

describe('failure record', () => {
  it('reads back a record the sim saved', () => {
    expect(parseFailureRecord(JSON.parse(JSON.stringify(record)))).toEqual({ record });
  });

  it('reads back every plan the generator draws, activity-tied faults included', () => {
    const drawnKinds = new Set<string>();
    const drawnMoments = new Set<string>();
    fc.assert(
      fc.property(planArbitrary(everyEvent), (plan) => {
        for (const event of plan) {
          drawnKinds.add('on' in event || 'when' in event ? `${event.kind}@on` : event.kind);
          const tie = activityTie(event);
          if (tie) drawnMoments.add(tie.on);
        }
        const saved = JSON.parse(JSON.stringify({ ...record, plan }));
        expect(parseFailureRecord(saved)).toEqual({ record: saved });
      }),
      { seed: 7, numRuns: 200 },
    );
    for (const kind of EVENT_KINDS) expect(drawnKinds).toContain(kind);
    for (const tied of ['disconnect@on', 'partition@on', 'slow@on', 'half-open@on', 'restart@on'])
      expect(drawnKinds).toContain(tied);
    for (const moment of API_ACTIVITIES) expect(drawnMoments).toContain(moment);
  });

  it("says in one line what is wrong with a slow link's values", () => {
    const slow = { kind: 'slow', client: 0, durationMs: 5_000, latencyMs: 2_000 };
    const at = record.plan.length + 1;
    const bad = (event: object) => parseFailureRecord({ ...record, plan: [...record.plan, event] });
    expect(bad(slow)).toEqual({ record: expect.anything() });
    for (const [event, field] of [
      [{ ...slow, latencyMs: 0 }, 'latencyMs'],
      [{ ...slow, latencyMs: 600_001 }, 'latencyMs'],
      [{ ...slow, latencyMs: 1.5 }, 'latencyMs'],
      [{ ...slow, durationMs: -1 }, 'durationMs'],
      [{ ...slow, on: 'slowly' }, 'on'],
    ] as const) {
      const parsed = bad(event);
      expect(parsed).toEqual({ error: expect.stringMatching(new RegExp(`^plan event ${at} \\(${field}\\): `)) });
      expect('error' in parsed && parsed.error.includes('\n')).toBe(false);
    }
    expect(bad({ kind: 'slow', client: 0, durationMs: 5_000 })).toEqual({
      error: expect.stringMatching(new RegExp(`^plan event ${at} \\(latencyMs\\): `)),
    });
  });

  it('names the field of an event that is wrong', () => {
    const plan = [...record.plan, { kind: 'disconnect', client: 0, on: 'watch-later' }];
    const parsed = parseFailureRecord({ ...record, plan });
    expect(parsed).toEqual({ error: expect.stringMatching(new RegExp(`^plan event ${plan.length} \\(on\\): `)) });
  });
});
