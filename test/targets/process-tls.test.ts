/**
 * The process target with `tls`: every client dials wss:// through its fault proxy to the agent's
 * own TLS port, verifying the controller's CA. The built-in clients and jujulib give the verdicts
 * they give on ws://.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { AdminClient } from '../../harness/wire/admin-client.ts';
import { checkProperties } from '../../properties/index.ts';
import { configOf } from './scenario-config.ts';

const CREDENTIALS = { username: 'admin', password: 'tls-test' };
let target: ProcessTarget;

beforeAll(async () => {
  target = await createProcessTarget({ timeScale: 0.04, tls: true, credentials: CREDENTIALS });
});

afterAll(async () => {
  await target?.close();
});

describe('targets/process over wss://', () => {
  it('the server process serves TLS: a CA for the target to hand out, an agent TLS port per session', async () => {
    expect(target.server.tls).toMatchObject({ caCert: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/) });
    const admin = AdminClient.forPort(target.server.port, CREDENTIALS);
    const opened = await admin.openSession({ profile: 'juju-3.6' });
    expect(opened.tlsPort).toEqual(expect.any(Number));
    const other = await admin.openSession({ profile: 'juju-3.6' });
    expect(other.tlsPort).not.toBe(opened.tlsPort);
    await admin.session(opened.modelUuid).dispose();
    await admin.session(other.modelUuid).dispose();
  });

  it('holds for juju-1.24 and the reconnecting client through a disconnect, a restart and an upgrade', async () => {
    const c = configOf('juju-1.24-gated-api');
    const plan: Plan = [
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'mysql', units: 1 },
      { kind: 'wait', durationMs: 3_000 },
      { kind: 'disconnect', client: 0 },
      { kind: 'restart' },
      { kind: 'deploy', client: 1, app: 'wordpress', units: 2 },
      { kind: 'publish', version: '1.24.3' },
      { kind: 'wait', durationMs: 40_000 },
      { kind: 'upgrade' },
      { kind: 'wait', durationMs: 5_000 },
    ];
    const h = await target.run(c, plan, 1);
    expect(checkProperties(h, c.properties)).toEqual([]);
    expect(h.filter((r) => r.type === 'login' && r.ok).length).toBeGreaterThan(2); // two clients, and a reconnection
    expect(h.find((r) => r.type === 'final-model')).toMatchObject({
      model: { applications: { mysql: { units: { 'mysql/0': 'active' } }, wordpress: expect.anything() } },
    });
  });

  it('jujulib gives the verdict it gives on ws://: the restricted API ends its script', async () => {
    const c = configOf('jujulib-1.24');
    const h = await target.run(c, [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 1 }], 1);
    expect(h.find((r) => r.type === 'fail')).toMatchObject({ error: expect.stringMatching(/^upgrade in progress/) });
    const violated = new Set(checkProperties(h, c.properties).map((v) => v.property));
    expect(violated).toEqual(new Set(['deployments-complete']));
  });

  it('keeps its CA across a crash of the controller process, so clients still trust it', async () => {
    const before = target.server.tls!.caCert;
    await target.crash();
    expect(target.server.tls!.caCert).toBe(before);
    const c = configOf('juju-1.24-gated-api');
    const h = await target.run(c, [{ kind: 'bootstrap' }, { kind: 'deploy', client: 0, app: 'mysql', units: 1 }], 2);
    expect(h.some((r) => r.type === 'login' && r.ok)).toBe(true);
  });
});
