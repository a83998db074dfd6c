/**
 * The controller's word on each tie at quiescence (wire/session.ts quiesce), joined to the plan
 * events the live run armed: the closing sequence times a tied half-open's wait by it
 * (closing.ts halfOpenResumeDeadline). A word on a tie the run never armed is the controller's
 * error, one clear line (exit 3), not a wait timed by another run's event.
 */
import { describe, expect, it } from 'vitest';
import { TargetError } from '../../harness/errors.ts';
import type { PlanEvent } from '../../harness/plan.ts';
import { settledTies } from '../../harness/targets/live/run.ts';
import type { ArmedTie } from '../../harness/targets/world.ts';

const HALF_OPEN: PlanEvent = { kind: 'half-open', client: 0, on: 'watch-next' };
const DISCONNECT: PlanEvent = { kind: 'disconnect', client: 1, on: 'login' };
const ARMED: ArmedTie[] = [
  { index: 2, event: HALF_OPEN, client: 'client-0', on: 'watch-next' },
  { index: 5, event: DISCONNECT, client: 'client-1', on: 'login' },
];

describe('settledTies', () => {
  it("gives each of the controller's outcomes the plan event the run armed at that index", () => {
    const outcomes = [
      { index: 5, t: 1_200, applied: false },
      { index: 2, t: 4_500, applied: true },
    ];
    expect(settledTies(ARMED, outcomes)).toEqual([
      { event: DISCONNECT, t: 1_200, applied: false },
      { event: HALF_OPEN, t: 4_500, applied: true },
    ]);
  });

  it('refuses an outcome for a tie the run never armed, with one clear line', () => {
    const settle = (): unknown => settledTies(ARMED, [{ index: 3, t: 10, applied: true }]);
    expect(settle).toThrow(TargetError);
    expect(settle).toThrow('the controller settled a tie this run never armed (plan event 3)');
  });
});
