/**
 * RunGate: a run that pauses the whole controller server has it alone; the others share it.
 * Driven by hand-resolved promises, so the order is the gate's, not the machine's timing.
 */
import { describe, expect, it } from 'vitest';
import { RunGate } from '../../harness/targets/live/run-gate.ts';

/** A task that logs its start and ends when told. */
function task(log: string[], name: string): { run: () => Promise<void>; end: () => void } {
  let end!: () => void;
  const done = new Promise<void>((resolve) => (end = resolve));
  return {
    run: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    end: () => end(),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RunGate', () => {
  it('lets shared runs overlap, holds a lone run until they end, and starts later ones after it', async () => {
    const gate = new RunGate();
    const log: string[] = [];
    const [a, b, lone, c] = ['a', 'b', 'lone', 'c'].map((n) => task(log, n));
    const runs = [gate.run(false, a!.run), gate.run(false, b!.run), gate.run(true, lone!.run), gate.run(false, c!.run)];
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    a!.end();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'end a']); // b still shares the server
    b!.end();
    await settle();
    expect(log.slice(3)).toEqual(['end b', 'start lone']); // c arrived after the lone run: it waits
    lone!.end();
    await settle();
    expect(log.slice(5)).toEqual(['end lone', 'start c']);
    c!.end();
    await Promise.all(runs);
  });

  it('frees the server when a run fails', async () => {
    const gate = new RunGate();
    await expect(gate.run(true, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(true, () => Promise.resolve(1))).resolves.toBe(1);
    await expect(gate.run(false, () => Promise.resolve(2))).resolves.toBe(2);
  });
});
