/**
 * What became of the faults and upgrades tied to client activity that one scenario's plans draw,
 * on the sim: fired (its event record written before quiescence; for an upgrade, whether the
 * controller started it), dropped at quiescence (recorded not applied, with why), or lost (no
 * record at all: armed in a controller that then crashed). Prints one line per kind and moment and
 * a total. Run with `npx tsx bench/tie-outcomes.ts [SCENARIO] [CASES] [SEED]`.
 */
import fc from 'fast-check';
import { caseArbitrary } from '../harness/case-params.ts';
import type { HistoryRecord } from '../harness/history.ts';
import { activityTie, type Plan } from '../harness/plan.ts';
import { resolveRun } from '../harness/run-config.ts';
import { simulate } from '../harness/targets/sim/simulate.ts';
import { scenarioByName } from '../scenarios/index.ts';

const [scenarioName = 'juju-1.24-gated-api', cases = '300', seed = '1'] = process.argv.slice(2);

interface Tally {
  drawn: number;
  fired: number;
  /** Fired upgrades that started one (an upgrade-pending right after). */
  started: number;
  dropped: number;
  lost: number;
  notes: Map<string, number>;
}
const tallies = new Map<string, Tally>();
const tally = (key: string): Tally => {
  let t = tallies.get(key);
  if (!t) tallies.set(key, (t = { drawn: 0, fired: 0, started: 0, dropped: 0, lost: 0, notes: new Map() }));
  return t;
};

function count(plan: Plan, history: readonly HistoryRecord[]): void {
  const quiescence = history.findIndex((r) => r.type === 'quiescence');
  plan.forEach((event, index) => {
    const tie = activityTie(event);
    if (!tie) return;
    const upgrade = event.kind === 'upgrade' || event.kind === 'chained-upgrade';
    for (const key of [`${upgrade ? 'upgrade' : 'fault'}@${tie.on}`, upgrade ? 'upgrades' : 'faults', 'all']) {
      const t = tally(key);
      t.drawn++;
      const at = history.findIndex((r) => r.type === 'event' && r.index === index);
      const r = history[at];
      if (!r || r.type !== 'event') t.lost++;
      else if (at < quiescence || !(r.note ?? '').startsWith('its moment')) {
        t.fired++;
        if (upgrade && history.slice(at - 3, at + 1).some((x) => x.type === 'upgrade-pending')) t.started++;
        if (!r.applied) t.notes.set(r.note ?? '(no note)', (t.notes.get(r.note ?? '(no note)') ?? 0) + 1);
      } else {
        t.dropped++;
        t.notes.set(r.note ?? '', (t.notes.get(r.note ?? '') ?? 0) + 1);
      }
    }
  });
}

const config = resolveRun(scenarioByName(scenarioName)!);
for (const [plan, simSeed] of fc.sample(caseArbitrary(config, {}), { numRuns: Number(cases), seed: Number(seed) }))
  count(plan, simulate(config, plan, simSeed));
for (const [key, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(
    `${key.padEnd(26)} drawn ${String(t.drawn).padStart(4)}  fired ${String(t.fired).padStart(4)}` +
      `${key.startsWith('upgrade') ? ` (started ${t.started})` : ''}  dropped ${t.dropped}  lost ${t.lost}`,
  );
  if (key === 'all') for (const [note, n] of t.notes) console.log(`    ${n} x ${note}`);
}
