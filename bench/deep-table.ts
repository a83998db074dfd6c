/** The deep-bug section as a person reads it: runs to first failure per bug and strategy, then
 *  the ratios that say whether a strategy earns its place. */
import type { DeepBugResult } from './deep-bench.ts';
import type { Fig } from './figures.ts';

const num = (n: number | null): string => (n === null ? 'never' : String(n));

function cell(f: Fig): string {
  return `${num(f.medianRunsToFailure)} / ${num(f.worstRunsToFailure)} (${f.found})`;
}

/** a / b on median runs, as "N×" (a needs N times more runs than b). */
export function ratio(a: Fig, b: Fig): number | null {
  if (a.medianRunsToFailure === null || b.medianRunsToFailure === null) return null;
  return a.medianRunsToFailure / b.medianRunsToFailure;
}

const times = (r: number | null, worseThanNever: string): string => (r === null ? worseThanNever : `${r.toFixed(1)}×`);

export function formatDeepBugs(results: readonly DeepBugResult[], seeds: number, maxRuns: number): string {
  if (results.length === 0) return '';
  const who = [...Object.keys(results[0]!.strategies), 'baseline'];
  const width = 22;
  const lines = [
    `Deep bugs (planted in bench/deep-bugs/), ${seeds} seeds, at most ${maxRuns} runs each:`,
    `runs to the first failure, median / worst (seeds that found it).`,
    '',
    ['bug'.padEnd(34), ...who.map((w) => w.padStart(width))].join(''),
  ];
  for (const r of results) {
    const figs = [...Object.values(r.strategies), r.baseline];
    lines.push([r.name.padEnd(34), ...figs.map((f) => cell(f).padStart(width))].join(''));
  }
  lines.push('', 'Median runs of random / each strategy (above 1: the strategy beats random):');
  lines.push(['bug'.padEnd(34), ...who.filter((w) => w !== 'random').map((w) => w.padStart(12))].join(''));
  for (const r of results) {
    const random = r.strategies.random;
    const figs = [...Object.values(r.strategies).filter((f) => f.strategy !== 'random'), r.baseline];
    lines.push(
      [r.name.padEnd(34), ...figs.map((f) => times(random ? ratio(random, f) : null, '-').padStart(12))].join(''),
    );
  }
  lines.push('', 'The best strategy against random and against the fair baseline (median runs):');
  for (const r of results) {
    const random = r.strategies.random;
    lines.push(
      `  ${r.name.padEnd(34)} best ${r.best.strategy.padEnd(10)} random needs ${times(random ? ratio(random, r.best) : null, 'never').padStart(6)}` +
        `, baseline needs ${times(ratio(r.baseline, r.best), 'never').padStart(6)}`,
    );
  }
  return lines.join('\n');
}
