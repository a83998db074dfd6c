/**
 * The corpus: every system and workaround of the bug report is a scenario that resolves, says
 * what it models, claims at least one verdict, and `upgrade-chaos scenarios` lists it with its
 * expected verdicts.
 */
import { describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { scenariosCommand } from '../../harness/cli/scenarios-command.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { SCENARIOS } from '../../scenarios/index.ts';

/** What the bug report names, and the scenario that models it. */
const BUG_REPORT = {
  'implicit upgrade under the 2015 deployer': 'juju-1.22-implicit-upgrade',
  'a savvy script that waits for the upgrade': 'juju-1.22-savvy-script',
  'workaround A: agent-version pinned': 'juju-1.22-pinned-agent-version',
  'workaround B: --upload-tools at bootstrap': 'juju-1.22-upload-tools',
  'workaround B: upgrade-juju --upload-tools': 'juju-1.22-upgrade-upload-tools',
  'workaround C: an old release line that gets patches': 'juju-1.22-old-release-line',
  'fix 1: clients that reconnect and resume watchers': 'juju-1.22-reconnecting-client',
  'fix 2A: the gated 1.24 API': 'juju-1.24-gated-api-naive-client',
  'fixes 1 and 2A together': 'juju-1.24-gated-api',
  'fix 2B: no implicit upgrade, available version reported': 'juju-1.25-no-implicit-upgrade',
  'python-libjuju against the gated API': 'juju-1.24-libjuju',
  'a download that fails and is retried': 'juju-1.24-download-retry',
  'an agent crash in the middle of upgrade steps': 'juju-1.24-crash-during-upgrade-steps',
  'network partitions under a client with no timeouts': 'juju-1.22-network-partition',
} as const;

describe('the scenario corpus', () => {
  it.each(Object.entries(BUG_REPORT))('models %s (%s)', (_what, name) => {
    expect(SCENARIOS.map((s) => s.name)).toContain(name);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s resolves, describes itself and claims verdicts',
    (_name, s) => {
      expect(() => resolveRun(s)).not.toThrow();
      expect(s.description.length).toBeGreaterThan(200);
      expect(s.summary.length).toBeGreaterThan(20);
      expect(Object.keys(s.expect).length).toBeGreaterThan(0);
      expect(Object.values(s.weights).some((w) => (w ?? 0) > 0)).toBe(true);
    },
  );

  it('has unique names', () => {
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
  });

  it('`upgrade-chaos scenarios` lists every scenario with each expected verdict', () => {
    let text = '';
    const code = scenariosCommand([], {
      out: (t) => {
        text += t + '\n';
      },
      log: {} as Logger,
    });
    expect(code).toBe(0);
    for (const s of SCENARIOS) {
      const start = text.indexOf(`${s.name}\n`);
      expect(start, s.name).toBeGreaterThanOrEqual(0);
      const block = text.slice(start, text.indexOf('\n\n', start)); // one scenario's lines
      for (const [property, verdict] of Object.entries(s.expect)) {
        expect(block).toMatch(new RegExp(`${property}\\s+expected ${verdict}`));
      }
    }
  });
});
