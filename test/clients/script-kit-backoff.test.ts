/**
 * The example scripts' reconnect backoff (scenarios/clients/juju-script-kit.mjs `reconnectForever`)
 * is written in model time: at any time scale its dials pass reconnect-backoff (at most 10 retries in
 * any 10 s of model time). Played on a virtual clock, with every dial refused at once (an agent that
 * stays down), and judged by the property itself. Its old backoff, 50 ms to 500 ms of REAL time,
 * made 20 dials in 10 s at --time-scale 1 (an external controller); it read no time scale and slept
 * real time, so every case here fails on it.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { reconnectBackoff } from '../../properties/reconnect-backoff.ts';
import { history } from '../properties/build.ts';

interface Clock {
  timeScale: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}
interface Kit {
  reconnectForever(session: () => Promise<void>, clock: Clock): Promise<never>;
}
const KIT = pathToFileURL(resolve(import.meta.dirname, '../../scenarios/clients/juju-script-kit.mjs')).href;

/** The model times (ms) of `sessions` dials, each refused a few real milliseconds after it starts. */
async function dialTimes(timeScale: number, sessions: number): Promise<number[]> {
  const kit = (await import(KIT)) as Kit;
  let realMs = 0;
  const dials: number[] = [];
  const clock: Clock = {
    timeScale,
    sleep: async (ms) => {
      realMs += ms;
    },
    now: () => realMs,
  };
  const session = async (): Promise<void> => {
    if (dials.length === sessions) throw new Error('enough');
    dials.push(realMs / timeScale);
    realMs += 3; // a refused dial
  };
  await expect(kit.reconnectForever(session, clock)).rejects.toThrow('enough');
  return dials;
}

describe("the script kit's reconnect backoff", () => {
  it.each([1, 0.1, 0.02])('passes reconnect-backoff at time scale %s: its waits are model time', async (scale) => {
    const dials = await dialTimes(scale, 40);
    const h = history().at(0, { type: 'bootstrap', version: '1.24.0', desired: '1.24.0' });
    const refused: HistoryBody = { type: 'conn-refused', client: 'client-0' };
    for (const t of dials) h.at(Math.round(t), refused);
    expect(reconnectBackoff.check(h.end(Math.round(dials.at(-1)!) + 1_000))).toEqual([]);
    // The same schedule in model time at every scale: 0.5 s, doubling to 5 s.
    const waits = dials.slice(1, 6).map((t, i) => Math.round(t - dials[i]! - 3 / scale));
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 5_000]);
  });
});
