/**
 * The external target against a controller it did not start (a server in this process): only
 * upgrade, deploy and network faults apply; the history has no controller-side records, and the
 * final model comes from FullStatus.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { createExternalTarget, type ExternalTarget } from '../../harness/targets/external.ts';
import { createTarget } from '../../harness/targets/index.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';
import { CREDENTIALS, profile, startServer, waitFor } from '../wire/helpers.ts';
import { TargetError, UsageError } from '../../harness/errors.ts';

let server: ControllerServer | undefined;
let target: ExternalTarget | undefined;

afterEach(async () => {
  await target?.close();
  target = undefined;
  await server?.close();
  server = undefined;
});

const CONTROLLER_RECORDS = new Set([
  'bootstrap',
  'upgrade-pending',
  'agent-down',
  'agent-up',
  'version',
  'conn-open',
  'conn-close',
  'login',
  'request',
  'watcher-start',
  'hook-start',
]);

describe('targets/external', () => {
  it('drives a running controller through its API and a local fault proxy', async () => {
    server = await startServer(profile('juju-1.24'), 0.04);
    server.current.controller.bootstrap();
    server.current.controller.publish('1.24.3');
    await waitFor(() => server!.current.controller.quiet, 10_000, 'the implicit upgrade to finish');

    target = await createExternalTarget({ url: server.modelUrl, ...CREDENTIALS, timeScale: 0.04 });
    const config = configOf('juju-1.24-gated-api');
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'publish', version: '1.24.4' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 2_000 },
      { kind: 'upgrade', version: '1.24.3' },
      { kind: 'restart' },
      { kind: 'pause', durationMs: 5_000 },
      { kind: 'disconnect', client: 1 },
      { kind: 'wait', durationMs: 1_000 },
    ];
    const h = await target.run(config, plan, 5);

    expect(h[0]).toMatchObject({ type: 'run-start', target: 'external' });
    expect(h.filter((r) => CONTROLLER_RECORDS.has(r.type))).toEqual([]);
    const events = Object.fromEntries(h.flatMap((r) => (r.type === 'event' ? [[r.event.kind, r]] : [])));
    expect(events['bootstrap']).toMatchObject({
      applied: false,
      note: expect.stringMatching(/bootstrapped before the run/),
    });
    expect(events['publish']).toMatchObject({ applied: false });
    expect(events['restart']).toMatchObject({ applied: false });
    // A controller the harness did not start cannot be frozen by it: the pause says so.
    expect(events['pause']).toMatchObject({ applied: false, note: 'the external target cannot pause its controller' });
    expect(h.some((r) => r.type === 'fault-start')).toBe(false);
    expect(events['upgrade']).toMatchObject({ applied: true, note: 'chose 1.24.3' });
    expect(server.current.history.records.some((r) => r.type === 'version' && r.to === '1.24.3')).toBe(true);
    expect(h.find((r) => r.type === 'final-model')).toMatchObject({
      version: '1.24.3',
      model: { applications: { mysql: { units: { 'mysql/0': 'active' } } } },
    });
    expect(h.some((r) => r.type === 'ok' && r.client === 'client-0')).toBe(true);
    expect(checkProperties(h, ['deployments-complete', 'requests-settle', 'watchers-resume'])).toEqual([]);
  });

  it('removes what earlier runs left before each run, tears down what it deployed, and says what it waits for', async () => {
    server = await startServer(profile('juju-1.24'), 0.04);
    const { controller } = server.current;
    controller.bootstrap();
    controller.publish('1.24.3');
    await waitFor(() => server!.current.controller.quiet, 10_000, 'the implicit upgrade to finish');
    // An earlier, interrupted invocation left mysql with two units; the user keeps an application of their own.
    controller.deployApplication('mysql', 'cs:mysql', 2);
    controller.deployApplication('my-own-app', 'cs:my-own-app', 1);
    await waitFor(() => server!.current.controller.quiet, 10_000, 'the units to settle');

    target = await createExternalTarget({ url: server.modelUrl, ...CREDENTIALS, timeScale: 0.04 });
    const config = configOf('juju-1.24-gated-api');
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 80_000 }, // 3.2 s: long enough for a status line
    ];
    const statuses: string[] = [];
    const h = await target.run(config, plan, 5, { onStatus: (line) => statuses.push(line) });

    expect(statuses[0]).toMatch(/^removing mysql left by earlier runs/);
    expect(statuses.some((line) => /^playing the plan, \d+s of \d+s$/.test(line))).toBe(true);
    expect(h.find((r) => r.type === 'final-model')).toMatchObject({
      model: { applications: { mysql: { units: { 'mysql/0': 'active' } } } },
    });
    expect(checkProperties(h, ['deployments-complete'])).toEqual([]);
    // Torn down after the run, as a user's script would; the user's application stays.
    const left = Object.keys(server.current.controller.view().applications);
    expect(left).toEqual(['my-own-app']);
  });

  it('refuses bad credentials (usage) and an unreachable controller (target)', async () => {
    server = await startServer(profile('juju-1.24', { implicitUpgrade: false }));
    server.current.controller.bootstrap();
    await expect(createExternalTarget({ url: server.modelUrl, username: 'admin', password: 'wrong' })).rejects.toThrow(
      UsageError,
    );
    const port = server.port;
    await server.close();
    server = undefined;
    await expect(createExternalTarget({ url: `ws://127.0.0.1:${port}/api`, ...CREDENTIALS })).rejects.toThrow(
      TargetError,
    );
    await expect(createTarget('external', { url: 'http://x', ...CREDENTIALS })).rejects.toThrow(/ws:\/\/ or wss:\/\//);
    await expect(createTarget('external', {})).rejects.toThrow(/needs --url/);
  });
});
