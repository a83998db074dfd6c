/**
 * What replay says of a run that violated nothing names the properties it judged: with --property
 * only those were judged (trial 12: `replay ... --property no-work-before-upgrade` said "Every
 * property held.", of properties it never judged).
 */
import { describe, expect, it } from 'vitest';
import { replayCommand } from '../../harness/cli/replay-command.ts';
import { createLogger } from '../../harness/log.ts';

async function replay(...flags: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const args = ['--scenario', 'juju-1.24-gated-api', '--seed', '1', '--path', '0', ...flags];
  const code = await replayCommand(args, { out: (t) => lines.push(t), log: createLogger('silent') });
  return { code, text: lines.join('\n') };
}

describe('replay of a run that violated nothing', () => {
  it('with --property, says that property held, not every property', async () => {
    const { code, text } = await replay('--property', 'no-work-before-upgrade');
    expect(code).toBe(0);
    expect(text).toMatch(/^no-work-before-upgrade held\.$/m);
    expect(text).not.toMatch(/Every property held/);
  });

  it('with two, names both; without --property, every property held', async () => {
    const two = await replay('--property', 'no-work-before-upgrade', '--property', 'watchers-resume');
    expect(two.text).toMatch(/^no-work-before-upgrade, watchers-resume held\.$/m);
    const all = await replay();
    expect(all.code).toBe(0);
    expect(all.text).toMatch(/^Every property held\.$/m);
  });
});
