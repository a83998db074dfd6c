/**
 * A --client-cmd script that redials the moment its connection ends (examples/clients/no-backoff.mjs),
 * on the process target: the agent restarts while the script waits on its AllWatcher.Next (a
 * restart tied to that moment, slowed to 20 s of model time, 2 s real at 0.1). Every dial while the
 * agent is down is refused by the server, which records it (`conn-refused`), and the script dials
 * again at once: reconnect-backoff catches the storm. robust.mjs, which backs off from 0.5 s to 5 s
 * of model time (50 ms to 500 ms real at 0.1), holds every property on the same plan. The sim
 * catches the planted profile on this plan too (test/clients/reconnect-storm.test.ts).
 *
 * Timing decides little: the storm needs 11 dials within 10 s of model time (1 s real), a dial
 * every 90 ms, where a refused dial takes a few milliseconds; robust.mjs cannot make 11 in any
 * second, since its waits only grow (timers never fire early).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../harness/history.ts';
import type { RunConfig } from '../../harness/run-config.ts';
import { checkProperties } from '../../properties/index.ts';
import { RESTART_AT_NEXT } from '../clients/no-backoff-client.ts';
import { configOf } from './scenario-config.ts';
import { playScriptPair } from './script-pair.ts';

const BUGGY = 'node examples/clients/no-backoff.mjs';

/** The scenario's config with the agent down for 20 s of model time at each restart. */
function withSlowRestart(c: RunConfig): RunConfig {
  return { ...c, controller: { ...c.controller, timing: { ...c.controller.timing, restartMs: [20_000, 20_000] } } };
}

const config = () => withSlowRestart(configOf('juju-1.25-no-implicit-upgrade'));
const runs = playScriptPair({ buggy: BUGGY, plan: RESTART_AT_NEXT, config: config(), timeScale: 0.1 });

const refusals = (h: readonly HistoryRecord[]) => h.filter((r) => r.type === 'conn-refused').length;

describe('a script that redials at once (process target)', () => {
  it('is caught by reconnect-backoff: its dials while the agent is down come one after another', () => {
    const { history: h, clientOutputs } = runs.buggy();
    expect(
      h.find((r) => r.type === 'event' && r.index === 2),
      'the tied restart fired',
    ).toMatchObject({
      applied: true,
    });
    const violations = checkProperties(h, config().properties);
    expect(
      violations.map((v) => [v.property, v.client]),
      JSON.stringify({ violations, output: clientOutputs }, null, 1),
    ).toEqual([['reconnect-backoff', 'client-0']]);
    expect(violations[0]?.message).toMatch(/^client-0 tried again 11 times within .* \(.* real at time scale 0\.1\)/);
    expect(refusals(h)).toBeGreaterThan(10);
    // Otherwise robust: it got its deployment done.
    expect(clientOutputs[0]).toMatchObject({ command: BUGGY, exitCode: 0 });
  });

  it('robust.mjs holds every property on the same plan, refused while the agent was down too', () => {
    const { history: h, clientOutputs } = runs.robust();
    const violations = checkProperties(h, config().properties);
    expect(violations, JSON.stringify({ violations, output: clientOutputs }, null, 1)).toEqual([]);
    expect(clientOutputs[0]).toMatchObject({ exitCode: 0 });
    expect(refusals(h)).toBeGreaterThan(0);
  });
});
