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
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../harness/paths.ts';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { judgeRun } from '../../harness/runner.ts';
import { loadScenarioFile } from '../../harness/scenario-file.ts';
import { runCase } from '../../harness/targets/target.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';

const examples = join(PROJECT_ROOT, 'examples/clients');
const config = resolveRun(loadScenarioFile(join(examples, 'gated-on-activity.json')), {
  properties: ['deployments-complete'],
});
const script = (name: string) => `node ${join(examples, name)}`;

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

describe('a client script with a reset-during-watch bug', () => {
  const targets: ProcessTarget[] = [];
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });

  async function runScript(name: string) {
    const target = await createProcessTarget({ timeScale: 0.02, clientCommand: script(name) });
    targets.push(target);
    return runCase(target, config, resetDuringNext, 4);
  }

  it('gives up when its connection is reset under its Next; robust.mjs survives the same plan', async () => {
    const buggy = await runScript('reset-during-watch.mjs');
    const tied = buggy.history.find((r) => r.type === 'event' && r.index === 2);
    expect(tied, 'the tied disconnect fired').toMatchObject({ applied: true });
    const violated = judgeRun(buggy.history, config.properties).violations.map((v) => v.property);
    expect(violated).toContain('deployments-complete');
    expect(buggy.clientOutputs[0]?.stderr).toMatch(/stopped my watcher.*giving up/);

    const robust = await runScript('../../scenarios/clients/robust.mjs');
    expect(robust.history.find((r) => r.type === 'event' && r.index === 2)).toMatchObject({ applied: true });
    expect(judgeRun(robust.history, config.properties).violations).toEqual([]);
  });
});
