/**
 * The `slow` plan event on the sim (Jepsen's slow network): for its window every message between
 * the named client and the controller takes latencyMs more, order kept; the other client's do not,
 * nor the named client's after the window. Read from the history's timestamps: each client call
 * against the controller's record of it. Runs stay reproducible, plans print and shrink.
 */
import { describe, expect, it } from 'vitest';
import { historyHash, recordsOf, type History } from '../../harness/history.ts';
import { describeEvent, formatPlan, type Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { planShrinks } from '../../harness/strategies/plan-shrinker.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { checkProperties } from '../../properties/index.ts';
import { formatTimeline } from '../../reports/timeline.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { oneWayDelays, slowWindow } from './slow-delays.ts';

const gated = resolveRun(scenarioByName('juju-1.24-gated-api')!);
/** The sim network's own latency is at most this (targets/sim/simulate.ts): a slowed message takes more. */
const usual = 30;

/** After the implicit upgrade (over by 40 s), client-0's link slowed by 3 s for 20 s while both deploy. */
const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'wait', durationMs: 40_000 },
  { kind: 'slow', client: 0, durationMs: 20_000, latencyMs: 3_000 },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'deploy', client: 1, app: 'wordpress', units: 1 },
  { kind: 'wait', durationMs: 40_000 },
];

function delays(history: History) {
  const window = slowWindow(history, 'client-0');
  const all = oneWayDelays(history);
  const inWindow = all.filter((d) => d.sentAt >= window.from && d.sentAt < window.to);
  return { window, all, inWindow };
}

describe('slow on the sim', () => {
  const history = simulate(gated, PLAN, 1);

  it('delays every message of the named client by its latency for the window, and no other', () => {
    const { window, all, inWindow } = delays(history);
    expect(window).toEqual({ from: 40_000, to: 60_000, latencyMs: 3_000 });
    const slowed = inWindow.filter((d) => d.client === 'client-0');
    expect(slowed.map((d) => d.method)).toContain('Deploy');
    for (const d of slowed) expect(d.delayMs, JSON.stringify(d)).toBeGreaterThanOrEqual(3_000);
    for (const d of slowed) expect(d.delayMs, JSON.stringify(d)).toBeLessThanOrEqual(3_000 + usual);
    const others = inWindow.filter((d) => d.client === 'client-1');
    expect(others.map((d) => d.method)).toContain('Deploy');
    for (const d of others) expect(d.delayMs, JSON.stringify(d)).toBeLessThanOrEqual(usual);
    // Once what was on its way has landed, client-0's calls take the usual time again.
    const after = all.filter((d) => d.client === 'client-0' && d.sentAt >= window.to + 3_000);
    expect(after.length).toBeGreaterThan(0);
    for (const d of after) expect(d.delayMs, JSON.stringify(d)).toBeLessThanOrEqual(usual);
  });

  it('keeps each direction in order: nothing sent after the window overtakes what was sent in it', () => {
    const { window } = delays(history);
    const lastSlow = oneWayDelays(history)
      .filter((d) => d.client === 'client-0' && d.sentAt < window.to)
      .reduce((t, d) => Math.max(t, d.sentAt + d.delayMs), 0);
    const firstAfter = oneWayDelays(history).find((d) => d.client === 'client-0' && d.sentAt >= window.to);
    expect(firstAfter).toBeDefined();
    expect(firstAfter!.sentAt + firstAfter!.delayMs).toBeGreaterThanOrEqual(lastSlow);
  });

  it('a correct client holds through it, and the run is reproducible', () => {
    expect(checkProperties(history, gated.properties)).toEqual([]);
    expect(historyHash(simulate(gated, PLAN, 1))).toBe(historyHash(history));
  });

  it('prints in plans and timelines', () => {
    expect(describeEvent(PLAN[2]!)).toBe("slow client-0's link by 3s each way for 20s");
    expect(describeEvent({ kind: 'slow', client: 1, durationMs: 5_000, latencyMs: 800, on: 'deploy-received' })).toBe(
      "slow client-1's link by 800ms each way for 5s when client-1's Deploy is received, before the controller acts on it",
    );
    expect(formatPlan(PLAN)).toContain("[t=40s] slow client-0's link by 3s each way for 20s");
    const timeline = formatTimeline(history, { maxLines: 10_000 });
    expect(timeline).toContain("nemesis     slow client-0's link: every message 3s later");
    expect(timeline).toContain("nemesis     client-0's link at its usual speed again");
  });

  it('a slow link tied to a Deploy fires at its moment and delays the answer', () => {
    const tied: Plan = [...PLAN];
    tied[2] = { kind: 'slow', client: 0, durationMs: 20_000, latencyMs: 3_000, on: 'deploy-received' };
    const h = simulate(gated, tied, 1);
    const deploy = h.find((r) => r.type === 'request' && r.method === 'Deploy' && r.client === 'client-0');
    const { from } = slowWindow(h, 'client-0');
    expect(from).toBe(deploy!.t); // the moment: its Deploy received
    const call = recordsOf(h, 'call').find((r) => r.method === 'Deploy' && r.client === 'client-0');
    const answered = recordsOf(h, 'return').find((r) => r.client === 'client-0' && r.call === call?.call);
    expect(answered!.t - from).toBeGreaterThanOrEqual(3_000);
    expect(checkProperties(h, gated.properties)).toEqual([]);
  });

  it('shrinks: untied first, then client 0, a shorter window, a smaller delay', () => {
    const event = { kind: 'slow', client: 1, durationMs: 9_000, latencyMs: 4_200, on: 'watch-next' } as const;
    const shrinks = [...planShrinks([{ kind: 'bootstrap' }, event])].map((p) => p[1]);
    expect(shrinks).toContainEqual({ kind: 'slow', client: 1, durationMs: 9_000, latencyMs: 4_200 });
    expect(shrinks).toContainEqual({ ...event, client: 0 });
    expect(shrinks).toContainEqual({ ...event, durationMs: 1_000 });
    expect(shrinks).toContainEqual({ ...event, latencyMs: 200 });
    const slows = shrinks.filter((e) => e?.kind === 'slow');
    for (const e of slows) expect(e.durationMs <= 9_000 && e.latencyMs <= 4_200).toBe(true);
  });
});
