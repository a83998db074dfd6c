/**
 * The jujulib client profile (the real @canonical/jujulib 9.1.0) under the process target, on the
 * jujulib-1.24 scenario: what the harness finds, on two plans that show it every time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { createSimTarget } from '../../harness/targets/sim/target.ts';
import { checkProperties } from '../../properties/index.ts';
import { jujulib124 } from '../../scenarios/jujulib-1.24.ts';
import { UsageError } from '../../harness/errors.ts';

let target: ProcessTarget;
beforeAll(async () => {
  target = await createProcessTarget({ timeScale: 0.04 });
});
afterAll(async () => {
  await target?.close();
});

describe('the jujulib client profile (jujulib-1.24)', () => {
  it('fails every deployment of a script started at bootstrap: the upgrade ends it', async () => {
    const config = resolveRun(jujulib124);
    const h = await target.run(
      config,
      [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 1 }],
      1,
    );
    // Refused by the restricted API if its Deploy comes during the upgrade steps; lost with its
    // connection (the library neither rejects the pending call nor reconnects) if it comes just
    // before the agent goes down, and then the call never settles either. Which of the two, the
    // machine's speed decides.
    const fail = h.find((r) => r.type === 'fail');
    expect(fail).toMatchObject({ error: expect.stringMatching(/^upgrade in progress|^deadline exceeded/) });
    const lost = fail?.type === 'fail' && fail.error?.startsWith('deadline exceeded') === true;
    const violated = new Set(checkProperties(h, config.properties).map((v) => v.property));
    expect(violated).toEqual(new Set(lost ? ['deployments-complete', 'requests-settle'] : ['deployments-complete']));
  });

  it("leaves its watcher's Next pending forever when the agent restarts under it", async () => {
    const config = resolveRun(jujulib124);
    // A partition holds its connection until the implicit upgrade is over, so it gets going.
    const plan: Plan = [
      { kind: 'partition', client: 0, durationMs: 40_000 },
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 85_000 },
      { kind: 'restart' },
      { kind: 'wait', durationMs: 5_000 },
    ];
    const h = await target.run(config, plan, 2);
    expect(h.some((r) => r.type === 'ok')).toBe(true);
    const violations = checkProperties(h, config.properties);
    expect(violations.find((v) => v.property === 'requests-settle')?.message).toMatch(
      /AllWatcher\.Next .* long poll left hanging/,
    );
  });

  it('needs a real socket: the sim refuses it', async () => {
    await expect(createSimTarget().run(resolveRun(jujulib124), [{ kind: 'bootstrap' }], 1)).rejects.toThrow(UsageError);
  });
});
