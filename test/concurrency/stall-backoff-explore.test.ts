/**
 * Back-pressure in an exploration on a real target (explore-target.ts with `backoff`): runs whose
 * deadlines are decided in windows that stalled lower the runs in flight, and the result is the one
 * a fixed number in flight gives (cases are drawn and noted in case order), with a note that says how
 * low it went. Runs that stalled as much but met every deadline leave it at the ceiling. The target
 * is the sim with each history given the lag record a real target writes, its runs stalled `share`
 * of their length, and a real delay so that runs overlap as they do on the process target.
 */
import { describe, expect, it } from 'vitest';
import { exploreTarget } from '../../harness/explore-target.ts';
import type { HistoryRecord, Stall } from '../../harness/history.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { START_IN_FLIGHT } from '../../harness/stall-backoff.ts';
import { formatSummary } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { delayedSim, type DelayedSim } from './delayed-sim.ts';

const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
/** The 2015 deployer never watches again after 1.22's upgrade drops it: a watchers-resume deadline
 *  decides most runs. */
const implicit = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);

/** The run's history with a lag record before its final model: stalled `share` of its length, spread evenly. */
function withLag(history: HistoryRecord[], share: number): HistoryRecord[] {
  const end = history.at(-1)!.t;
  const stalls: Stall[] = Array.from({ length: 10 }, (_, i) => [(end * i) / 10, (end * share) / 10]);
  const at = history.findIndex((r) => r.type === 'final-model');
  const lag: HistoryRecord = { type: 'lag', stallMs: (end * share) / 10, stalls, t: history[at]!.t };
  return [...history.slice(0, at), lag, ...history.slice(at)];
}

/** The sim, each run stalled `share` of its length and answering after a few real milliseconds. */
const stalledSim = (share: number): DelayedSim =>
  delayedSim({ delayMs: (simSeed) => 2 + (Math.abs(simSeed) % 5), history: (history) => withLag(history, share) });

describe('runs in flight under back-pressure', () => {
  const options = { runs: 150, seed: 6, shrinkOnSim: true, confirmRuns: 2, shrinkTimeLimitMs: 10_000, concurrency: 48 };

  it('go down while deadlines are decided in stalled windows, with the same result as a fixed number, and a note', async () => {
    const fixed = await exploreTarget(stalledSim(0.5), implicit, options);
    const target = stalledSim(0.5);
    const backedOff = await exploreTarget(target, implicit, { ...options, backoff: true });
    expect(target.mostInFlight).toBeLessThanOrEqual(START_IN_FLIGHT);
    expect(backedOff.notes?.at(-1)).toMatch(/runs in flight went from 48 down to 1 at the lowest/);
    expect(fixed.notes ?? []).toEqual([]);
    // Its deadlines stalled twice their budget: watchers-resume could not judge them, and the
    // console and --json say in how many runs, though other runs violated it.
    const resume = fixed.properties.find((p) => p.property === 'watchers-resume')!;
    expect(resume).toMatchObject({ verdict: 'violated', unknownRuns: expect.any(Number) });
    expect(resume.unknownRuns).toBeGreaterThan(0);
    expect(formatSummary(fixed)).toContain(
      `? watchers-resume violated, not judged in ${resume.unknownRuns} of 150 runs: the run stalled`,
    );
    const json = runJson(fixed, () => '').properties;
    expect(json.find((p) => p.property === 'watchers-resume')?.unknownRuns).toBe(resume.unknownRuns);
    expect(json.find((p) => p.property === 'no-work-before-upgrade')?.unknownRuns).toBe(0); // not timed
    const without = ({ runsPerSecond: _, elapsedMs: __, notes: ___, ...r }: typeof fixed) => ({
      ...r,
      properties: r.properties.map(({ firstFailureMs: _ms, ...p }) => p),
      failures: r.failures.map(({ shrinkMs: _ms, ...f }) => f),
    });
    expect(without(backedOff)).toEqual(without(fixed));
  });

  it('stay at the ceiling while deadlines are decided in windows that stall little', async () => {
    const target = stalledSim(0.01);
    const result = await exploreTarget(target, implicit, { ...options, backoff: true });
    expect(target.mostInFlight).toBe(48);
    expect(result.notes ?? []).toEqual([]);
  });

  it('stay at the ceiling when the runs stall as much but meet every deadline', async () => {
    const target = stalledSim(0.5);
    const result = await exploreTarget(target, gated, { ...options, backoff: true });
    expect(target.mostInFlight).toBe(48);
    expect(result.notes ?? []).toEqual([]);
    expect(result.properties.every((p) => p.verdict === 'held')).toBe(true);
  });
});
