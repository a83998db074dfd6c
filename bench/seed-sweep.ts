/**
 * A tuning aid beside `npm run bench`: runs to the first failure of one strategy (or the fair
 * baseline) on the deep bugs over seeds of one's choosing, one line per seed and a summary per bug,
 * so that a change to a strategy is chosen on seeds outside the bench's 1-20 and confirmed on
 * others before the bench's own are looked at. Only runs count, so tsx's slower sim does not matter:
 *
 *   SWEEP_FIRST_SEED=101 SWEEP_SEEDS=60 npx tsx bench/seed-sweep.ts
 *
 * SWEEP_FIRST_SEED (default 101), SWEEP_SEEDS (60), SWEEP_RUNS (budget per seed, 5000),
 * SWEEP_STRATEGY (a strategy name or `baseline`; default coverage), SWEEP_BUGS (comma-separated
 * names from deep-bugs/; default all). The summary line gives the median as the bench takes it
 * (figures.ts), the worst, and how many seeds found the bug within SWEEP_WITHIN runs (default 10).
 */
import { isStrategyName } from '../harness/strategies/names.ts';
import { DEEP_BUGS } from './deep-bugs/index.ts';
import { attemptBaseline, attemptStrategy, type Attempt } from './detection.ts';
import { figure } from './figures.ts';

function envInt(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

const first = envInt('SWEEP_FIRST_SEED', 101);
const seeds = envInt('SWEEP_SEEDS', 60);
const budget = envInt('SWEEP_RUNS', 5000);
const within = envInt('SWEEP_WITHIN', 10);
const who = process.env['SWEEP_STRATEGY'] ?? 'coverage';
if (who !== 'baseline' && !isStrategyName(who)) throw new Error(`SWEEP_STRATEGY: no strategy "${who}"`);
const wanted = process.env['SWEEP_BUGS']?.split(',');

for (const bug of DEEP_BUGS.filter((b) => !wanted || wanted.includes(b.name))) {
  const attempts: Attempt[] = [];
  for (let seed = first; seed < first + seeds; seed++) {
    const attempt = isStrategyName(who)
      ? attemptStrategy(bug.config, who, seed, budget, false)
      : attemptBaseline(bug.config, seed, budget, false);
    attempts.push(attempt);
    console.log(`${bug.name} seed ${seed}: ${attempt.runs ?? 'never'}`);
  }
  const fig = figure(who, attempts);
  const early = attempts.filter((a) => a.runs !== undefined && a.runs <= within).length;
  console.log(
    `# ${bug.name} ${who}, seeds ${first}-${first + seeds - 1}: median ${fig.medianRunsToFailure ?? 'never'}, ` +
      `worst ${fig.worstRunsToFailure ?? 'never'}, found ${fig.found}, within ${within} runs ${early}/${seeds}`,
  );
}
