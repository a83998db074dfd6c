/**
 * Proxy ports come from blocks each harness process claims for itself (port-blocks.ts): another
 * process never takes a port of ours, even one a refusing proxy has let go.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { givePortBack, takePort } from '../../harness/faults/port-blocks.ts';

const BLOCK = 64;

describe('faults/port-blocks', () => {
  it('hands out ports of blocks this process holds, that another process does not take', async () => {
    const ours = (await takePort())!;
    expect(ours).toBeGreaterThan(10_000);
    // The block's lock is the listening port below its first port, held as long as we live.
    const base = ours - 1;
    const script = `
      import { createServer } from 'node:net';
      import { takePort } from ${JSON.stringify(join(import.meta.dirname, '../../harness/faults/port-blocks.ts'))};
      const lock = await new Promise((resolve) => {
        const s = createServer();
        s.once('error', (e) => resolve(e.code));
        s.listen(${base}, '127.0.0.1', () => resolve('listening'));
      });
      const ports = [];
      for (let i = 0; i < ${BLOCK * 3}; i++) ports.push(await takePort());
      console.log(JSON.stringify({ lock, ports }));
      process.exit(0);`;
    const child = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script]);
    const { lock, ports } = JSON.parse(child.stdout) as { lock: string; ports: number[] };
    expect(lock).toBe('EADDRINUSE');
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports.filter((p) => p >= base && p < base + BLOCK)).toEqual([]);
    givePortBack(ours);
    expect(await takePort()).not.toBe(ours); // given back at the end of the line
  }, 60_000);
});
