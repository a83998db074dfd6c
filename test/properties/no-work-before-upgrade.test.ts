import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { noWorkBeforeUpgrade, WORK_CALLS } from '../../properties/no-work-before-upgrade.ts';
import { deployAccepted, history, messages } from './build.ts';

const req = (facade: string, method: string, accepted = true): HistoryBody => ({
  type: 'request',
  conn: 1,
  client: 'client-0',
  facade,
  method,
  accepted,
  ...(accepted ? {} : { error: 'upgrade in progress' }),
});
const deploy = req('Application', 'Deploy');

describe('no-work-before-upgrade', () => {
  it('holds when work happens only outside upgrades', () => {
    const h = history()
      .at(0, { type: 'bootstrap', version: '1.22.1', desired: '1.22.3' })
      .at(10, deploy, { type: 'hook-start', unit: 'wp/0', hook: 'install' })
      .at(20, { type: 'upgrade-pending', from: '1.22.1', to: '1.22.3' })
      .at(30, { type: 'upgrade-end', version: '1.22.3' })
      .at(40, deploy, { type: 'hook-start', unit: 'wp/1', hook: 'install' })
      .end(50);
    expect(noWorkBeforeUpgrade.check(h)).toEqual([]);
  });

  it('holds when work is refused and only non-work calls are accepted during an upgrade', () => {
    const h = history()
      .at(20, { type: 'upgrade-pending', from: '1.22.1', to: '1.22.3' })
      .at(
        21,
        req('Admin', 'Login'),
        req('Client', 'FullStatus'),
        req('Pinger', 'Ping'),
        req('Client', 'WatchAll'),
        req('AllWatcher', 'Next'),
        req('AllWatcher', 'Stop'),
        req('ModelUpgrader', 'UpgradeModel'),
      )
      .at(22, req('Application', 'Deploy', false), req('Application', 'AddUnits', false))
      .at(23, { type: 'hook-end', unit: 'wp/0', hook: 'install', result: 'interrupted' })
      .at(30, { type: 'upgrade-end', version: '1.22.3' })
      .end(50);
    expect(noWorkBeforeUpgrade.check(h)).toEqual([]);
  });

  it.each([...WORK_CALLS])('fails when %s is accepted while an upgrade is pending', (call) => {
    const [facade, method] = call.split('.') as [string, string];
    const h = history()
      .at(20, { type: 'upgrade-pending', from: '1.22.1', to: '1.22.3' })
      .at(25, req(facade, method))
      .at(30, { type: 'upgrade-end', version: '1.22.3' })
      .end(50);
    const v = noWorkBeforeUpgrade.check(h);
    expect(v).toEqual([
      {
        property: 'no-work-before-upgrade',
        t: 25,
        client: 'client-0',
        message: `${call} from client-0 (conn 1) accepted during upgrade 1.22.1 -> 1.22.3`,
      },
    ]);
  });

  it('fails once per hook started during an upgrade, including at its first instant', () => {
    const h = history()
      .at(
        20,
        { type: 'upgrade-pending', from: '1.22.1', to: '1.22.3' },
        { type: 'hook-start', unit: 'wp/0', hook: 'install' },
      )
      .at(25, { type: 'agent-down', reason: 'upgrade' }, { type: 'hook-start', unit: 'db/0', hook: 'config-changed' })
      .at(30, { type: 'upgrade-end', version: '1.22.3' }, { type: 'hook-start', unit: 'wp/1', hook: 'install' })
      .end(50);
    const v = noWorkBeforeUpgrade.check(h);
    expect(v.map((x) => x.t)).toEqual([20, 25]);
    expect(messages(v)).toEqual([
      'hook install of wp/0 started during upgrade 1.22.1 -> 1.22.3',
      'hook config-changed of db/0 started during upgrade 1.22.1 -> 1.22.3',
    ]);
  });

  it('lets a unit deployed before an explicit upgrade go on with its hooks only until the agent restarts for it', () => {
    // Juju 3.6: the Deploy was accepted with no upgrade pending; the unit agents run their hooks
    // until the controller restarts (agent logins are blocked only while the upgrade steps run).
    const h = history()
      .at(0, { type: 'bootstrap', version: '3.6.0', desired: '3.6.0' })
      .at(5, deploy, { type: 'hook-start', unit: 'haproxy/2', hook: 'install' })
      .at(11, { type: 'upgrade-pending', from: '3.6.0', to: '3.6.2' })
      .at(
        13,
        { type: 'hook-start', unit: 'haproxy/2', hook: 'start' },
        { type: 'hook-start', unit: 'wp/0', hook: 'install' },
      )
      .at(20, { type: 'agent-down', reason: 'upgrade' })
      .at(22, { type: 'agent-up', version: '3.6.2' }, { type: 'hook-start', unit: 'haproxy/2', hook: 'start' })
      .at(30, { type: 'upgrade-end', version: '3.6.2' })
      .at(40, { type: 'upgrade-pending', from: '3.6.2', to: '3.6.3' })
      .at(41, { type: 'hook-start', unit: 'wp/0', hook: 'config-changed' })
      .end(50);
    expect(messages(noWorkBeforeUpgrade.check(h))).toEqual([
      'hook install of wp/0 started during upgrade 3.6.0 -> 3.6.2',
      'hook start of haproxy/2 started during upgrade 3.6.0 -> 3.6.2',
    ]);
  });

  it('does not let a unit whose hooks were done start new ones while an upgrade is pending', () => {
    // Deployed and active long before the upgrade was asked for: a hook now is new work.
    const h = history()
      .at(0, { type: 'bootstrap', version: '3.6.0', desired: '3.6.0' })
      .at(5, deploy, { type: 'hook-start', unit: 'haproxy/2', hook: 'install' })
      .at(10, { type: 'unit-status', unit: 'haproxy/2', workload: 'active', agent: 'idle' })
      .at(100, { type: 'upgrade-pending', from: '3.6.0', to: '3.6.2' })
      .at(150, { type: 'hook-start', unit: 'haproxy/2', hook: 'config-changed' })
      .end(200);
    expect(messages(noWorkBeforeUpgrade.check(h))).toEqual([
      'hook config-changed of haproxy/2 started during upgrade 3.6.0 -> 3.6.2',
    ]);
  });

  it('judges two upgrades separately, naming the right one', () => {
    const h = history()
      .at(10, { type: 'upgrade-pending', from: '1.22.1', to: '1.22.3' })
      .at(15, deploy)
      .at(20, { type: 'upgrade-end', version: '1.22.3' })
      .at(25, deploy)
      .at(30, { type: 'upgrade-pending', from: '1.22.3', to: '1.22.5' })
      .at(35, deploy)
      .at(40, { type: 'upgrade-end', version: '1.22.5' })
      .at(45, deploy)
      .end(50);
    const v = noWorkBeforeUpgrade.check(h);
    expect(v.map((x) => x.t)).toEqual([15, 35]);
    expect(v[0]!.message).toContain('1.22.1 -> 1.22.3');
    expect(v[1]!.message).toContain('1.22.3 -> 1.22.5');
  });

  it('keeps an upgrade that never ends open until the end of the run', () => {
    const h = history().at(10, { type: 'upgrade-pending', from: '1.22.1', to: '1.22.3' }).at(900, deploy).end(1000);
    expect(noWorkBeforeUpgrade.check(h)).toHaveLength(1);
  });

  it('does not trust upgrade-pending alone: a download, an upgrade restart or steps open the window too', () => {
    for (const opener of [
      { type: 'download', version: '1.22.3', ok: true },
      { type: 'agent-down', reason: 'upgrade' },
      { type: 'upgrade-steps', version: '1.22.3' },
    ] as HistoryBody[]) {
      const h = history()
        .at(0, { type: 'bootstrap', version: '1.22.1', desired: '1.22.1' })
        .at(10, opener)
        .at(15, deploy)
        .at(20, { type: 'upgrade-end', version: '1.22.3' })
        .at(25, deploy)
        .end(100);
      expect(noWorkBeforeUpgrade.check(h).map((v) => v.t)).toEqual([15]);
    }
  });

  describe('a --client-cmd program (run-start params.clientUnderTest) is judged as the client', () => {
    /** Trial 13 (careful.mjs on juju-1.22-implicit-upgrade, seed 3): the program's Deploy was accepted
     *  after the implicit upgrade ended; the plan's chained upgrade was asked 46 ms later; the
     *  controller restarted for it and then started the unit's update-status hook. */
    const trial = (underTest: boolean, deployAt: 'after-upgrade-end' | 'while-pending') => {
      const upgradeEnd = { type: 'upgrade-end', version: '1.22.3' } as const;
      // A profile's own program (python-libjuju) is a program too, but not the client under test.
      const h = history(underTest ? { program: true, clientUnderTest: true } : { program: true })
        .at(1626, { type: 'bootstrap', version: '1.22.1', desired: '1.22.3' })
        .at(1626, { type: 'upgrade-pending', from: '1.22.1', to: '1.22.3' })
        .at(14162, { type: 'agent-down', reason: 'upgrade' })
        .at(17404, { type: 'agent-up', version: '1.22.3' }, { type: 'upgrade-steps', version: '1.22.3' });
      if (deployAt === 'while-pending') h.at(20000, deployAccepted(['postgresql']));
      h.at(23749, upgradeEnd);
      if (deployAt === 'after-upgrade-end') h.at(24732, deployAccepted(['postgresql']));
      return h
        .at(24732, { type: 'hook-start', unit: 'postgresql/0', hook: 'install' })
        .at(24778, { type: 'upgrade-requested', explicit: true, requested: '1.23.0', chosen: '1.23.0' })
        .at(24778, { type: 'upgrade-pending', from: '1.22.3', to: '1.23.0' })
        .at(26670, { type: 'hook-start', unit: 'postgresql/0', hook: 'config-changed' })
        .at(35926, { type: 'download', version: '1.23.0', ok: true }, { type: 'agent-down', reason: 'upgrade' })
        .at(38534, { type: 'agent-up', version: '1.23.0' }, { type: 'upgrade-steps', version: '1.23.0' })
        .at(46508, { type: 'hook-start', unit: 'postgresql/0', hook: 'update-status' })
        .at(51447, { type: 'unit-status', unit: 'postgresql/0', workload: 'active', agent: 'idle' })
        .at(51790, { type: 'upgrade-end', version: '1.23.0' })
        .end(54443);
    };

    it('does not blame the program for hooks the controller runs through an upgrade asked after its deploy', () => {
      expect(noWorkBeforeUpgrade.check(trial(true, 'after-upgrade-end'))).toEqual([]);
    });

    it("still judges the controller with a built-in client (python-libjuju's own program too): the same history violates it", () => {
      expect(messages(noWorkBeforeUpgrade.check(trial(false, 'after-upgrade-end')))).toEqual([
        'hook update-status of postgresql/0 started during upgrade 1.22.3 -> 1.23.0',
      ]);
    });

    it('still fails a program whose Deploy was accepted while an upgrade was pending, and its hooks', () => {
      const v = noWorkBeforeUpgrade.check(trial(true, 'while-pending'));
      expect(v.map((x) => x.t)).toEqual([20000, 46508]);
      expect(v[0]!.message).toContain('Application.Deploy from client-0');
    });
  });
});
