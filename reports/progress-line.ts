/** The progress line a person watches while a run goes: runs, speed, failures, elapsed and ETA. */
import { runsPerSecond } from '../harness/rate.ts';
import type { ExploreProgress } from '../harness/explore-result.ts';
import { formatMs } from '../harness/plan.ts';
import { count } from '../harness/plural.ts';

export function formatProgress(p: ExploreProgress): string {
  const perSecond = p.elapsedMs > 0 ? runsPerSecond(p.runs, p.elapsedMs) : 0;
  const parts = [
    p.scenario,
    `${p.runs}/${p.plannedRuns} runs`,
    `${perSecond} runs/s`,
    count(p.failures, 'failure'),
    `elapsed ${formatSeconds(p.elapsedMs)}`,
  ];
  const eta = etaMs(p, perSecond);
  if (eta !== undefined) parts.push(`ETA ${formatSeconds(eta)}`);
  return parts.join(' · ');
}

/** Time left: to the last planned run, or to the time limit if that comes first. */
function etaMs(p: ExploreProgress, perSecond: number): number | undefined {
  const byCount = perSecond > 0 ? ((p.plannedRuns - p.runs) / perSecond) * 1000 : undefined;
  const byTime = p.timeLimitMs !== undefined ? Math.max(0, p.timeLimitMs - p.elapsedMs) : undefined;
  if (byCount === undefined) return byTime;
  return byTime === undefined ? byCount : Math.min(byCount, byTime);
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? formatMs(Math.round(ms)) : `${(ms / 1000).toFixed(1)}s`;
}
