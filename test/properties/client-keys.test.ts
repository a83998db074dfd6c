import { describe, expect, it } from 'vitest';
import { ClientKeys } from '../../properties/common.ts';

describe('ClientKeys', () => {
  it('gives one key per (client, n), small integers for the numbers harness clients use', () => {
    const keys = new ClientKeys();
    const ns = [0, 1, 2, 63, 64, 65, 2 ** 24 - 1, 2 ** 24, 2 ** 31, 2 ** 32 - 1, 1.5, -1];
    const clients = Array.from({ length: 70 }, (_, i) => `client-${i}`);
    const seen = new Map<number | string, string>();
    for (const client of clients)
      for (const n of ns) {
        const key = keys.key(client, n);
        expect(seen.get(key), `${client} ${n}`).toBeUndefined();
        seen.set(key, `${client} ${n}`);
      }
    for (const client of [...clients].reverse())
      for (const n of ns) expect(seen.get(keys.key(client, n))).toBe(`${client} ${n}`);
    expect(Number.isInteger(keys.key('client-0', 2 ** 24 - 1))).toBe(true);
    expect(keys.key('client-63', 2 ** 24 - 1)).toBeLessThan(2 ** 30);
  });
});
