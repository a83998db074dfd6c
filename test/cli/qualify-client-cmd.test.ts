/**
 * qualify refuses --client-cmd, and says so first: before the checks of the flag's value (a script
 * that does not exist, a target that cannot run it), which would send the user to fix a command
 * qualify would refuse anyway (trial 12: `qualify --client-cmd x.mjs` said `x.mjs does not exist`).
 */
import { describe, expect, it } from 'vitest';
import { qualifyCommand } from '../../harness/cli/qualify-command.ts';
import { createLogger } from '../../harness/log.ts';

const io = { out: () => {}, log: createLogger('silent') };

describe('qualify --client-cmd', () => {
  it.each([
    ['a missing script on a real target', ['--target', 'process', '--client-cmd', 'node /nonexistent/x.mjs']],
    ['a missing script, no target', ['--client-cmd', 'node /nonexistent/x.mjs']],
    ['an empty command', ['--target', 'process', '--client-cmd', ' ']],
  ])('is refused as qualify refuses it, whatever else is wrong: %s', async (_, argv) => {
    await expect(qualifyCommand(argv, io)).rejects.toThrow(/^qualify judges the corpus's own clients/);
  });
});
