/**
 * The external target gives none of the controller's own records, so the properties that read them
 * are unknown in every run there. The console names them once, on one line, and prints no replay
 * command for them (a replay would not judge them either), while a property unknown for another
 * reason (a stalled run) keeps its replay line; --json leaves out their `unknownReplay` too. The
 * reasons are the properties' own, read off a sim history without its controller-side records.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import type { ExploreResult, PropertyOutcome } from '../../harness/explore-result.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { runSim } from '../../harness/runner.ts';
import { isControllerSide } from '../../properties/common.ts';
import { judgeProperties } from '../../properties/index.ts';
import { formatSummary } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, {});
const explored = explore(config, { seed: 1, runs: 3, shrink: false });
const [plan, simSeed] = [
  [{ kind: 'bootstrap' as const }, { kind: 'deploy' as const, client: 0, app: 'mysql' as const, units: 1 }],
  1,
];
const clientSide = runSim(config, plan, simSeed).history.filter((r) => !isControllerSide(r));
const unseen = judgeProperties(clientSide, config.properties).flatMap((r) => (r.verdict === 'unknown' ? [r] : []));

/** The exploration as the external target reports it: `unseen` unknown in all 3 runs, and one
 *  property unknown in one run for a stall. */
const external: ExploreResult = {
  ...explored,
  target: 'external',
  properties: explored.properties.map((p): PropertyOutcome => {
    const why = unseen.find((u) => u.property === p.property);
    if (why) return { ...p, verdict: 'unknown', unknownRuns: 3, unknownReason: why.reason, firstUnknownRun: 1 };
    if (p.property === 'watchers-resume')
      return { ...p, verdict: 'unknown', unknownRuns: 1, unknownReason: 'the run stalled', firstUnknownRun: 2 };
    return p;
  }),
};

describe('properties a target can never judge', () => {
  it('are named once, with no replay line, and others unknown keep theirs', () => {
    expect(unseen.map((u) => u.property)).toEqual(
      expect.arrayContaining(['no-work-before-upgrade', 'agent-lifecycle', 'reconnect-backoff', 'apps-as-asked']),
    );
    const text = formatSummary(external);
    const lines = text.split('\n');
    const named = lines.filter((l) => l.startsWith('? not judgeable on the external target'));
    expect(named).toHaveLength(1);
    for (const u of unseen) expect(named[0]).toContain(u.property);
    for (const u of unseen) expect(text).not.toMatch(new RegExp(`^\\? ${u.property} unknown`, 'm'));
    expect(lines.filter((l) => l.startsWith('  first in run'))).toEqual(['  first in run 2: --seed 1 --path "1"']);
    expect(text).toMatch(/^\? watchers-resume unknown in 1 of 3 runs: the run stalled$/m);
    const json = runJson(external, (c) => `replay ${c.property}`);
    const replays = json.properties.filter((p) => p.unknownReplay !== undefined).map((p) => p.property);
    expect(replays).toEqual(['watchers-resume']);
  });
});
