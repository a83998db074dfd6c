/**
 * --client-cmd: the harness judges any program as a client. The two example scripts under
 * scenarios/clients/ meet Juju 1.24's implicit upgrade and dropped connections: the naive one
 * fails, the robust one holds every property the juju-1.24 scenario claims.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { createTarget } from '../../harness/targets/index.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';
import { UsageError } from '../../harness/errors.ts';

const NAIVE = 'node scenarios/clients/naive.mjs';
const ROBUST = 'node scenarios/clients/robust.mjs';
const EXITS_AT_START = 'sh test/fixtures/clients/exits-at-start.sh';

/**
 * Connections drop: the implicit upgrade right after bootstrap, a reset, then a partition. The
 * reset is aimed at a moment the program surely reaches, its watcher's Next in flight, rather than
 * at a time: a loaded machine starts the program late, and a reset at a fixed time could find it
 * finished or not yet connected.
 */
const PLAN: Plan = [
  { kind: 'bootstrap' },
  { kind: 'deploy', client: 0, app: 'mysql', units: 2 },
  { kind: 'deploy', client: 1, app: 'wordpress', units: 1 },
  { kind: 'disconnect', client: 0, on: 'watch-next' },
  { kind: 'wait', durationMs: 15_000 },
  { kind: 'partition', client: 1, durationMs: 8_000 },
  { kind: 'wait', durationMs: 2_000 },
];

const config = () => configOf('juju-1.24-gated-api', { deployMs: 300_000 });

const targets: ProcessTarget[] = [];
async function target(command: string): Promise<ProcessTarget> {
  const t = await createProcessTarget({ timeScale: 0.04, clientCommand: command });
  targets.push(t);
  return t;
}

let naive: ProcessTarget;
let robust: ProcessTarget;
beforeAll(async () => {
  [naive, robust] = await Promise.all([target(NAIVE), target(ROBUST)]);
});

afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
});

describe('clients/command-client (--client-cmd)', () => {
  it('fails the naive script: it loses its connection to the upgrade', async () => {
    const c = config();
    const h = await naive.run(c, PLAN, 1);
    const start = h[0];
    expect(start?.type === 'run-start' && start.params.clients).toEqual(['client-0']); // one program, one client
    // Recorded, so that messages can give real times beside model times (watchers-resume's deadline).
    expect(start?.type === 'run-start' && start.params.timeScale).toBe(0.04);
    expect(h.filter((r) => r.type === 'invoke').map((r) => r.type === 'invoke' && r.value)).toEqual([
      { app: 'mysql', units: 2 },
      { app: 'wordpress', units: 1 },
    ]);
    const violated = new Set(checkProperties(h, c.properties).map((v) => v.property));
    expect(violated).toContain('deployments-complete');
    const [output] = naive.artifacts().clientOutputs;
    expect(output).toMatchObject({ client: 'client-0', command: NAIVE, exitCode: 1, timedOut: false });
    expect(output!.stderr).toMatch(/naive: /);
    expect(h.find((r) => r.type === 'fail')).toMatchObject({ error: expect.stringMatching(/exit code 1: naive: /) });
  });

  it('passes the robust script: reconnects, re-watches, retries "upgrade in progress", deploys idempotently', async () => {
    const c = config();
    const h = await robust.run(c, PLAN, 2);
    const violations = checkProperties(h, c.properties);
    expect(violations, JSON.stringify({ violations, output: robust.artifacts().clientOutputs }, null, 1)).toEqual([]);
    expect(h.filter((r) => r.type === 'ok')).toHaveLength(2);
    // It really was knocked about: a connection of its was cut (by the upgrade or the reset), and it came back.
    expect(h.some((r) => r.type === 'conn-close' && r.reason !== 'client')).toBe(true);
    expect(h.filter((r) => r.type === 'conn-open').length).toBeGreaterThan(1);
    const view = h.find((r) => r.type === 'client-view');
    expect(view).toMatchObject({
      client: 'client-0',
      view: { applications: { mysql: { units: { 'mysql/0': 'active', 'mysql/1': 'active' } } } },
    });
    expect(robust.artifacts().clientOutputs[0]).toMatchObject({ exitCode: 0 });
  });

  // The plan goes on for 3 hours of model time (over 7 minutes here) after the program's launch: the
  // run must end when the program dies, not at the plan's end (the test's timeout would say so).
  const LONG: Plan = [{ kind: 'bootstrap' }, PLAN[1]!, { kind: 'wait', durationMs: 3 * 3_600_000 }];

  it('reports a command that cannot be run as a usage error, as soon as it dies', async () => {
    const t = await target('definitely-not-a-command-of-upgrade-chaos --flag');
    const run = t.run(config(), LONG, 3);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/could not be run: .*not found/);
  }, 60_000);

  it('reports a program that exits non-zero before it connects as a usage error, as soon as it dies', async () => {
    const t = await target(EXITS_AT_START);
    const run = t.run(config(), LONG, 3);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(
      /exited with code 1 before it connected to the controller \(UPGRADE_CHAOS_API_URL\): exits-at-start: cannot import/,
    );
    // The program was told the run's time scale (UPGRADE_CHAOS_TIME_SCALE), to scale its own waits by.
    await expect(run).rejects.toThrow(/cannot import websockets \(time scale 0\.04\)$/);
  }, 60_000);

  it('judges a program launched before bootstrap that gives up without a connection: its dials were refused', async () => {
    const t = await target(EXITS_AT_START);
    const c = config();
    const h = await t.run(c, [PLAN[1]!, { kind: 'bootstrap' }, { kind: 'wait', durationMs: 1_000 }], 3);
    const violated = new Set(checkProperties(h, c.properties).map((v) => v.property));
    expect(violated).toContain('deployments-complete');
  }, 60_000);

  it('refuses --client-cmd on the sim', async () => {
    await expect(createTarget('sim', { clientCommand: NAIVE })).rejects.toThrow(/needs a real target/);
  });
});
