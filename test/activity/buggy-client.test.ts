/**
 * The motivating case: a bespoke --client-cmd script whose reconnect bug shows only when
 * its connection is reset while its AllWatcher.Next is in flight
 * (examples/clients/reset-during-watch.mjs). A disconnect tied to that moment catches it on the
 * process target in one run, and the same plan holds for the robust script, so what was caught is
 * the script's bug. How many generated runs it takes to find it (over many seeds, with and without
 * tied faults) is measured by bench/activity-faults.ts, not asserted here: on a real target that
 * count depends on timing, which a loaded machine shifts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../harness/paths.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { judgeRun } from '../../harness/runner.ts';
import { loadScenarioFile } from '../../harness/scenario-file.ts';
import { playScriptPair } from '../targets/script-pair.ts';

const examples = join(PROJECT_ROOT, 'examples/clients');
const config = resolveRun(loadScenarioFile(join(examples, 'gated-on-activity.json')), {
  properties: ['deployments-complete'],
});

/**
 * The deploy launches the script and holds the plan until it connects; the tied reset then comes
 * at its first Next (the plan's last wait lets that moment come before quiescence).
 */
const resetDuringNext: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
  { kind: 'disconnect', client: 0, on: 'watch-next' },
  { kind: 'wait', durationMs: 20_000 },
];

const runs = playScriptPair({
  buggy: `node ${join(examples, 'reset-during-watch.mjs')}`,
  plan: resetDuringNext,
  config,
  timeScale: 0.02,
});

describe('a client script with a reset-during-watch bug', () => {
  it('gives up when its connection is reset under its Next; robust.mjs survives the same plan', () => {
    const buggy = runs.buggy();
    const tied = buggy.history.find((r) => r.type === 'event' && r.index === 2);
    expect(tied, 'the tied disconnect fired').toMatchObject({ applied: true });
    const violated = judgeRun(buggy.history, config.properties).violations.map((v) => v.property);
    expect(violated).toContain('deployments-complete');
    expect(buggy.clientOutputs[0]?.stderr).toMatch(/stopped my watcher.*giving up/);

    const robust = runs.robust();
    expect(robust.history.find((r) => r.type === 'event' && r.index === 2)).toMatchObject({ applied: true });
    expect(judgeRun(robust.history, config.properties).violations).toEqual([]);
  });
});
