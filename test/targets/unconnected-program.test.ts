/**
 * A --client-cmd program launched by a deploy before bootstrap that exits non-zero without a
 * connection: a refused dial leaves no trace, so the exploration launches it once more with the
 * controller up first (program-probe.ts). One that never dials (it crashed at import) is then a
 * usage error, whatever plan found it; one that dialled and gave up stays a failure.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { caseAtPath } from '../../harness/case-at-path.ts';
import { UsageError } from '../../harness/errors.ts';
import { exploreTarget } from '../../harness/explore-target.ts';
import { exitedUnconnected, probeUnconnectedProgram } from '../../harness/program-probe.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const EXITS_AT_START = 'sh test/fixtures/clients/exits-at-start.sh';
const DIALS_THEN_FAILS = 'node test/fixtures/clients/dials-then-fails.mjs';
/** Its first case deploys before bootstrap, with no wait in the plan: deploy, bootstrap. */
const SEED = 183;
const options = { runs: 1, seed: SEED, shrinkOnSim: false, confirmRuns: 1, shrinkTimeLimitMs: 1 };

const targets: ProcessTarget[] = [];
async function explore(command: string) {
  const target = await createProcessTarget({ timeScale: 0.02, clientCommand: command });
  targets.push(target);
  return exploreTarget(target, resolveRun(scenarioByName('juju-1.24-gated-api')!, {}, command), options);
}
afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
});

describe('a program that exits without a connection, launched before bootstrap', { timeout: 60_000 }, () => {
  it('the case deploys before bootstrap (else the test would not be about that)', () => {
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, {}, EXITS_AT_START);
    const [plan] = caseAtPath(config, { seed: SEED, path: '0' });
    const kinds = plan.map((e) => e.kind);
    expect(kinds.indexOf('deploy')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('deploy')).toBeLessThan(kinds.indexOf('bootstrap'));
  });

  it('is a usage error when it never dials, with what it said', async () => {
    const run = explore(EXITS_AT_START);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(
      /exited with code 1 before it connected to the controller \(UPGRADE_CHAOS_API_URL\): exits-at-start: cannot import/,
    );
  });

  it('stays a failure when it dials once the controller is up (its dials had been refused)', async () => {
    const target = await createProcessTarget({ timeScale: 0.02, clientCommand: DIALS_THEN_FAILS });
    targets.push(target);
    const config = resolveRun(scenarioByName('juju-1.24-gated-api')!, {}, DIALS_THEN_FAILS);
    const [plan, simSeed] = caseAtPath(config, { seed: SEED, path: '0' });
    // What a run shows when its dial came before bootstrap (whether one does is a race of its start-up).
    const refused = { client: 'client-0', command: DIALS_THEN_FAILS, exitCode: 1, timedOut: false, connected: false };
    const result = {
      history: [],
      violations: [],
      unknown: [],
      clientOutputs: [{ ...refused, stdout: '', stderr: '' }],
    };
    expect(exitedUnconnected(result.clientOutputs)).toBe(true);
    // The probe runs it with the controller up from its launch: it connects, then gives up (no error).
    const probe = await probeUnconnectedProgram(target, config, { plan, simSeed, result }, {});
    expect(probe?.clientOutputs[0]).toMatchObject({ exitCode: 1, connected: true });
  });
});
