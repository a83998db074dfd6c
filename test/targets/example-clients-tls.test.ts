/**
 * The shipped example clients dial wss:// with --tls: the kit's connect trusts the CA upgrade-chaos
 * hands over in UPGRADE_CHAOS_CA_CERT. Before (trial 12), robust.mjs never loaded it, failed every
 * handshake with `unable to verify the first certificate` and never deployed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { runCase, type CaseRun } from '../../harness/targets/target.ts';
import { judgeRun } from '../../harness/runner.ts';
import { configOf } from './scenario-config.ts';
import { ROBUST_SCRIPT } from './script-pair.ts';

const PLAN: Plan = [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 1 }];
const config = configOf('juju-1.24-gated-api');
let target: ProcessTarget | undefined;
let run: CaseRun;

beforeAll(async () => {
  target = await createProcessTarget({ timeScale: 0.05, tls: true, clientCommand: ROBUST_SCRIPT });
  run = await runCase(target, config, PLAN, 1);
});
afterAll(async () => {
  await target?.close();
});

describe('robust.mjs with --tls (process target)', () => {
  it('trusts the controller CA, logs in over wss://, deploys and holds every property', () => {
    const out = run.clientOutputs[0]!;
    expect(out.stderr + out.stdout).not.toMatch(/certificate/i);
    expect(out.exitCode).toBe(0);
    expect(run.history.some((r) => r.type === 'login' && r.ok)).toBe(true);
    expect(judgeRun(run.history, config.properties).violations).toEqual([]);
  });
});
