/**
 * Verdicts do not drift by accident. test/fixtures/sim-verdict-hashes.json holds, for every run of
 * the sim history fixture (sim-history-hashes.json: every sim scenario, sampled plans and the
 * minimal counterexamples) and for the runs of the test clients that violate reconnect-backoff,
 * apps-as-asked and charm-as-asked, the hash of what judgeRun says of it with every property
 * (its violations, unknowns and stall load: every verdict, message and reason), for the history
 * as it was and for four variants of it: cut short, with records lost, with stalls recorded (a
 * lag record with stalls in it) and with only a longest stall (an older lag record). A change to
 * how properties read a history (properties/history-index.ts) that claims to judge alike proves it
 * here; the sim history fixture makes sure the histories are the same ones.
 *
 * When a change is MEANT to change verdicts (a property's rule changed) or histories (the sim
 * fixture was regenerated), regenerate this fixture deliberately and commit it with the change:
 *
 *   UPDATE_VERDICT_HASHES=1 npx vitest run test/structure/sim-verdict-hashes.test.ts
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyHash, type HistoryRecord, type Stall } from '../../harness/history.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun, type RunConfig } from '../../harness/run-config.ts';
import { judgeRun } from '../../harness/runner.ts';
import { simulate } from '../../harness/targets/sim/simulate.ts';
import { PROPERTY_NAMES } from '../../properties/index.ts';
import { scenarioByName, SIM_SCENARIOS } from '../../scenarios/index.ts';
import { RESTART_AT_NEXT, withNoBackoffClient } from '../clients/no-backoff-client.ts';
import { DROP_AT_DEPLOY_APPLIED, withRenameOnConflictClient } from '../clients/rename-on-conflict-client.ts';
import { UPGRADE_AT_LOGIN, withNewRevisionOnRetry } from '../clients/retry-new-revision-client.ts';
import { SEED_1_RUN_8638, SEED_1_SIM_SEED, SEED_7_RUN_2673, SEED_7_SIM_SEED } from '../faults/half-open-login-plans.ts';

const RUNS = resolve(import.meta.dirname, '../fixtures/sim-history-hashes.json');
const FIXTURE = resolve(import.meta.dirname, '../fixtures/sim-verdict-hashes.json');
const UPDATE = process.env['UPDATE_VERDICT_HASHES'];

/** One judged group: a scenario's stored runs, or one test client's run. */
interface PinnedGroup {
  group: string;
  /** Per run: its history's hash, then the verdict hash of each variant (VARIANTS order). */
  runs: string[][];
  /** How many of the group's judgements gave each `property verdict`: what the pin covers. */
  verdicts: Record<string, number>;
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** A seeded generator in [0, 1) (a linear congruential one), seeded per run: the same variants every time. */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** The history and its variants: cut short (unknowns, calls left hanging), with 3 % of its records
 *  lost (a controller that forgets some: violations of every kind), with stalls recorded (deadlines
 *  judged window by window) and with only its longest stall known (an older history). */
function variants(history: HistoryRecord[], seed: number): HistoryRecord[][] {
  const next = generator(seed);
  const cut = history.slice(0, 1 + Math.floor((history.length - 1) * next()));
  const lossy = history.filter((_, i) => i === 0 || next() > 0.03);
  const end = history.at(-1)!.t;
  const stalls: Stall[] = [];
  for (let t = Math.floor(end * next() * 0.2); t < end; t += 1 + Math.floor(end * next() * 0.3))
    stalls.push([t, Math.floor(4_000 * next()) + 1]);
  const withLag = (lag: HistoryRecord): HistoryRecord[] => [...history.slice(0, -1), lag, history.at(-1)!];
  const stalled = withLag({ type: 'lag', t: end, stallMs: Math.max(0, ...stalls.map(([, ms]) => ms)), stalls });
  const oldLag = withLag({ type: 'lag', t: end, stallMs: Math.floor(20_000 * next()) });
  return [history, cut, lossy, stalled, oldLag];
}

function judged(history: HistoryRecord[]): string {
  const { violations, unknown, stallLoad } = judgeRun(history, PROPERTY_NAMES);
  return JSON.stringify({ violations, unknown, stallLoad });
}

function pinGroup(group: string, config: RunConfig, runs: readonly { plan: Plan; seed: number }[]): PinnedGroup {
  const verdicts: Record<string, number> = {};
  const pinned = runs.map(({ plan, seed }, i) => {
    const history = simulate(config, plan, seed);
    return [
      historyHash(history),
      ...variants(history, 20261127 + i).map((h) => {
        const text = judged(h);
        const { violations, unknown } = JSON.parse(text) as ReturnType<typeof judgeRun>;
        const violated = new Set(violations.map((v) => v.property));
        for (const name of PROPERTY_NAMES) {
          const verdict = violated.has(name)
            ? 'violated'
            : unknown.some((u) => u.property === name)
              ? 'unknown'
              : 'held';
          verdicts[`${name} ${verdict}`] = (verdicts[`${name} ${verdict}`] ?? 0) + 1;
        }
        return hash(text);
      }),
    ];
  });
  return { group, runs: pinned, verdicts: Object.fromEntries(Object.entries(verdicts).sort()) };
}

const stored = JSON.parse(readFileSync(RUNS, 'utf8')) as { scenario: string; plan: Plan; seed: number }[];
const noImplicit = (): RunConfig => resolveRun(scenarioByName('juju-1.25-no-implicit-upgrade')!);
const gatedApi = (): RunConfig => resolveRun(scenarioByName('juju-1.24-gated-api')!);

/** Every group, judged now. */
const GROUPS: [string, () => PinnedGroup][] = [
  ...SIM_SCENARIOS.map((s): [string, () => PinnedGroup] => [
    s.name,
    () =>
      pinGroup(
        s.name,
        resolveRun(s),
        stored.filter((r) => r.scenario === s.name),
      ),
  ]),
  [
    'no-backoff client',
    () => pinGroup('no-backoff client', withNoBackoffClient(noImplicit()), [{ plan: RESTART_AT_NEXT, seed: 1 }]),
  ],
  [
    'rename-on-conflict client',
    () =>
      pinGroup('rename-on-conflict client', withRenameOnConflictClient(noImplicit()), [
        { plan: DROP_AT_DEPLOY_APPLIED, seed: 1 },
      ]),
  ],
  [
    'new-revision-on-retry client',
    () =>
      pinGroup('new-revision-on-retry client', withNewRevisionOnRetry(noImplicit()), [
        { plan: UPGRADE_AT_LOGIN, seed: 1 },
      ]),
  ],
  // The shrunk half-open-at-login finds (test/faults/half-open-login.test.ts): the silent-link rule.
  [
    'half-open login: juju-1.24-gated-api seed 1 run 8638 shrunk',
    () =>
      pinGroup('half-open login: juju-1.24-gated-api seed 1 run 8638 shrunk', gatedApi(), [
        { plan: SEED_1_RUN_8638, seed: SEED_1_SIM_SEED },
      ]),
  ],
  [
    'half-open login: juju-1.24-gated-api seed 7 run 2673 shrunk',
    () =>
      pinGroup('half-open login: juju-1.24-gated-api seed 7 run 2673 shrunk', gatedApi(), [
        { plan: SEED_7_RUN_2673, seed: SEED_7_SIM_SEED },
      ]),
  ],
];

/** One group per line, so a diff of the fixture reads as a list of the groups that moved. */
if (UPDATE) writeFileSync(FIXTURE, `[\n${GROUPS.map(([, pin]) => JSON.stringify(pin())).join(',\n')}\n]\n`);
const pins = existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as PinnedGroup[]) : [];

describe('sim verdict hashes (test/fixtures/sim-verdict-hashes.json)', () => {
  it('cover every group, and every property both violated and held', () => {
    expect(pins.map((p) => p.group)).toEqual(GROUPS.map(([name]) => name));
    const seen = new Set(pins.flatMap((p) => Object.keys(p.verdicts)));
    for (const name of PROPERTY_NAMES) {
      expect(seen).toContain(`${name} violated`);
      expect(seen).toContain(`${name} held`);
    }
    expect([...seen].filter((v) => v.endsWith(' unknown')).length).toBeGreaterThan(3);
  });

  it.each(GROUPS)('%s: every run and variant gives its stored verdicts', (name, pin) => {
    const expected = pins.find((p) => p.group === name);
    expect(pin(), 'see the header of this test to regenerate the fixture on purpose').toEqual(expected);
  });
});
