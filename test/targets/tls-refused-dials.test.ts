/**
 * Dials refused at the TCP level are recorded on the process target too. Over wss:// every client
 * dials through its fault proxy to the agent's own TLS port, which does not listen while the agent
 * is down: the controller never sees those dials, so the proxy tells the run, which records each as
 * `conn-refused` (as the sim and the server's plain port record a dial the agent turns away). The
 * client that redials at once (test/clients/no-backoff-client.ts) is then caught by reconnect-backoff
 * over TLS as it is over ws:// (test/targets/no-backoff.test.ts); before, its storm went unseen and
 * the property held. The reconnecting profile holds on the same plan. The restart is tied to
 * client-0's Next and slowed to 20 s of model time (2 s real at 0.1): timing decides nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { createProcessTarget, type ProcessTarget } from '../../harness/targets/process/index.ts';
import { runCase, type CaseRun } from '../../harness/targets/target.ts';
import { checkProperties } from '../../properties/index.ts';
import { RESTART_AT_NEXT, withNoBackoffClient } from '../clients/no-backoff-client.ts';
import { configOf } from './scenario-config.ts';

/** The scenario's config with the agent down for 20 s of model time at each restart. */
function withSlowRestart(c: RunConfig): RunConfig {
  return { ...c, controller: { ...c.controller, timing: { ...c.controller.timing, restartMs: [20_000, 20_000] } } };
}

const config = withSlowRestart(configOf('juju-1.25-no-implicit-upgrade'));
let target: ProcessTarget | undefined;
let runs: CaseRun[] = [];
beforeAll(async () => {
  target = await createProcessTarget({ timeScale: 0.1, tls: true });
  runs = await Promise.all([
    runCase(target, withNoBackoffClient(config), RESTART_AT_NEXT, 1),
    runCase(target, config, RESTART_AT_NEXT, 1),
  ]);
});
afterAll(async () => {
  await target?.close();
});

const refusedOf = (h: readonly HistoryRecord[], client: string) =>
  h.filter((r) => r.type === 'conn-refused' && r.client === client).length;

describe("dials refused by the agent's TLS port while it is down (process target, wss://)", () => {
  it('are recorded: a client that redials at once is caught by reconnect-backoff', () => {
    const h = runs[0]!.history;
    expect(h.find((r) => r.type === 'event' && r.index === 2)).toMatchObject({ applied: true });
    expect(refusedOf(h, 'client-0')).toBeGreaterThan(10);
    const violations = checkProperties(h, config.properties);
    expect(violations.map((v) => [v.property, v.client])).toContainEqual(['reconnect-backoff', 'client-0']);
  });

  it('the reconnecting profile backs off and holds every property on the same plan', () => {
    const h = runs[1]!.history;
    expect(refusedOf(h, 'client-0')).toBeGreaterThan(0); // its dials while the agent was down, recorded
    const violations = checkProperties(h, config.properties);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });
});
