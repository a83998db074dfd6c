/**
 * Shrinking on a real target within its time budget (--shrink-time): when the budget runs out, the
 * candidate runs in flight are stopped (their programs killed), count for nothing, and the failure
 * says it is only partly shrunk. Here a --client-cmd program that fails at once for the case found
 * and its first smaller plan, and hangs on every later candidate: a nightly job must not wait for it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { exploreTarget } from '../../harness/explore-target.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import type { Target } from '../../harness/targets/target.ts';
import { formatFailure } from '../../reports/console.ts';
import { failureJson } from '../../reports/json.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { waitFor } from '../wire/helpers.ts';

/** Its first case deploys (which launches the program) among 8 events. */
const SEED = 3;
/** Launches that fail at once: the case found, that case again (shrinking's first step), and the
 *  first smaller plan that launches the program (a deploy kept). */
const FAST_LAUNCHES = 3;
const BUDGET_MS = 30_000;

const dir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-shrink-budget-'));
const targets: ProcessTarget[] = [];
afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** Whether process `pid` still runs (Linux): a zombie, killed and not yet reaped, does not. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

describe('shrinking on a real target, when its time budget runs out', { timeout: 300_000 }, () => {
  it('stops the candidates in flight, kills their programs, and reports the plan partly shrunk', async () => {
    const launches = join(dir, 'launches');
    writeFileSync(launches, '');
    const command = `node test/fixtures/clients/fails-fast-then-hangs.mjs ${launches} ${FAST_LAUNCHES}`;
    const scenario = scenarioByName('juju-1.24-gated-api')!;
    // A program's deadline of half an hour of model time, three minutes real: a hanging program's
    // run lasts far past the budget, however slow the machine.
    const deadlines = { ...scenario.deadlines, deployMs: 1_800_000 };
    const config = resolveRun({ ...scenario, deadlines }, { properties: ['deployments-complete'] }, command);
    const processTarget = await createProcessTarget({ timeScale: 0.1, clientCommand: command });
    targets.push(processTarget);
    // Candidates uncut (RunHooks.cutAtMs): a hanging program's run lasts until the program's own
    // deadline, as it does when the case found showed its violation only at that deadline. Only
    // the budget can end it.
    const target: Target = {
      name: processTarget.name,
      run: (c, plan, seed, hooks) => processTarget.run(c, plan, seed, { ...hooks, cutAtMs: undefined }),
      runCase: (c, plan, seed, hooks) => processTarget.runCase(c, plan, seed, { ...hooks, cutAtMs: undefined }),
      close: () => processTarget.close(),
    };
    const [plan] = caseAtPath(config, { seed: SEED, path: '0' });
    expect(plan.map((e) => e.kind)).toContain('deploy');

    const result = await exploreTarget(target, config, {
      runs: 1,
      seed: SEED,
      shrinkOnSim: false,
      confirmRuns: 1,
      shrinkTimeLimitMs: BUDGET_MS,
      concurrency: 1,
    });

    // One candidate hung (one at a time), and no candidate started after it: the budget stopped it.
    const pids = readFileSync(launches, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(FAST_LAUNCHES + 1);
    // Its program was killed (SIGKILL, whose delivery the machine's load may delay a moment), not
    // left to run to its deadline three minutes on.
    await waitFor(() => pids.every((pid) => !running(pid)), 20_000, 'the hung program killed');
    // The stopped candidate counts for nothing: the failure shown is the smaller plan that failed.
    const [failure] = result.failures;
    expect(failure).toMatchObject({ shrunkOn: 'target', shrinkTimedOut: { limitMs: BUDGET_MS } });
    expect(failure!.shrunkEvents).toBeLessThan(failure!.events);
    expect(failure).not.toHaveProperty('reproduced');
    expect(failure!.violations.length).toBeGreaterThan(0);
    expect(caseAtPath(config, { seed: SEED, path: failure!.path })).toEqual([failure!.plan, failure!.simSeed]);
    expect(formatFailure(failure!, 'REPLAY')).toMatch(
      /^Partly shrunk plan \(\d+ events?, from 8; shrinking stopped after 30 s at \d+ of 8 events/m,
    );
    expect(failureJson(failure!, 'REPLAY').shrinkStopped?.limitMs).toBe(BUDGET_MS);
  });
});
