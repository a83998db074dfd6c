/**
 * Shrinking on a real target when the failure does not come back every time: a --client-cmd
 * program that fails on every other start is found on the first run, passes the first run again,
 * and fails the second. Shrinking tries the case found more than once before giving up on it, so the
 * failure is shrunk, not reported unshrunk as "not seen again".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exploreTarget } from '../../harness/explore-target.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { configOf } from './scenario-config.ts';

const folder = mkdtempSync(join(tmpdir(), 'flaky-shrink-'));
let target: ProcessTarget | undefined;
afterAll(async () => {
  await target?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('shrinking a failure that comes back only some of the time', () => {
  it('runs the case found again until it fails once more, then shrinks it', { timeout: 240_000 }, async () => {
    const countFile = join(folder, 'starts');
    target = await createProcessTarget({
      timeScale: 0.02,
      clientCommand: `FLAKY_COUNT_FILE=${countFile} node test/fixtures/clients/every-other-start-fails.mjs`,
    });
    const config = { ...configOf('juju-1.24-gated-api'), properties: ['deployments-complete' as const] };
    const result = await exploreTarget(target, config, {
      runs: 1,
      seed: 1,
      shrinkOnSim: false,
      confirmRuns: 1,
      shrinkTimeLimitMs: 20_000,
    });
    const [failure] = result.failures;
    expect(failure?.property).toBe('deployments-complete');
    expect(failure?.shrunkOn).toBe('target');
    // Seen again on the second try: shrunk from there, not reported as "not seen again".
    expect(failure).not.toHaveProperty('reproduced');
    expect(failure!.shrunkEvents).toBeLessThanOrEqual(failure!.events);
  });
});
