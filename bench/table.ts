/** The bench as a person reads it: one block per must-fail scenario, one line per strategy. */
import type { Fig } from './figures.ts';
import { speedup } from './figures.ts';
import type { BenchResults, ScenarioResult } from './results.ts';
import type { Throughput } from './throughput.ts';

export interface TableInput {
  results: BenchResults;
  /** Per scenario and strategy (baseline included): the most any shrunk plan exceeded its property's minimal length. */
  excess: ReadonlyMap<string, ReadonlyMap<string, number | null>>;
  throughput: readonly Throughput[];
  seeds: number;
  maxRuns: number;
  elapsedMs: number;
}

const num = (n: number | null): string => (n === null ? 'never' : String(n));

function line(f: Fig, excess: number | null | undefined, minimal: number | null): string {
  const shrunk = `${num(f.shrunkEvents)} / ${num(minimal)}${excess !== undefined && excess !== null ? (excess <= 1 ? ' ✓' : ` ✗(+${excess})`) : ''}`;
  return [
    f.strategy.padEnd(12),
    f.found.padStart(6),
    `${num(f.medianRunsToFailure)} / ${num(f.worstRunsToFailure)}`.padStart(14),
    num(f.medianMsToFailure).padStart(8),
    shrunk.padStart(14),
    num(f.shrinkMs).padStart(10),
  ].join('  ');
}

function ratio(s: ScenarioResult): string {
  const r = speedup(s.best, s.baseline);
  if (r === null) return 'not found by any strategy';
  if (!Number.isFinite(r)) return 'the baseline never found it';
  return `${r.toFixed(2)}× (baseline median ${num(s.baseline.medianRunsToFailure)} / best median ${num(s.best.medianRunsToFailure)})`;
}

export function formatBench(input: TableInput): string {
  const { results, excess, throughput, seeds, maxRuns } = input;
  const lines = [
    `Detection power over ${seeds} seeds, at most ${maxRuns} runs each. "runs" = runs until every property the scenario`,
    `expects violated has been violated; "shrunk / minimal" = longest shrunk plan against the minimal known one (✓ within +1).`,
    '',
    [
      'strategy'.padEnd(12),
      'found'.padStart(6),
      'runs med/worst'.padStart(14),
      'ms med'.padStart(8),
      'shrunk / min'.padStart(14),
      'shrink ms'.padStart(10),
    ].join('  '),
  ];
  for (const s of results.scenarios) {
    lines.push('', `${s.name} (${s.mustFail.join(', ')})`);
    const marks = excess.get(s.name);
    for (const f of Object.values(s.strategies)) lines.push('  ' + line(f, marks?.get(f.strategy), s.minimalEvents));
    lines.push('  ' + line(s.baseline, marks?.get('baseline'), s.minimalEvents));
    lines.push(`  best: ${s.best.strategy}; baseline needs ${ratio(s)}`);
  }
  const wins = results.scenarios.filter((s) => {
    const r = speedup(s.best, s.baseline);
    return (
      r !== null &&
      (r > 1 || (r === 1 && (s.best.worstRunsToFailure ?? Infinity) < (s.baseline.worstRunsToFailure ?? Infinity)))
    );
  }).length;
  lines.push(
    '',
    `Our best strategy needs fewer runs than the fast-check baseline (median, then worst) on ${wins} of ${results.scenarios.length} must-fail scenarios.`,
    '',
    `Runs per second on the sim (random strategy, explore's first phase): ` +
      throughput.map((t) => `${t.scenario} ${t.runsPerSecond}`).join(', ') +
      `; both together ${results.runsPerSecond.sim}.`,
    `Bench took ${(input.elapsedMs / 1000).toFixed(1)} s.`,
  );
  return lines.join('\n');
}
