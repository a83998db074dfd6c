import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { agentLifecycle } from '../../properties/agent-lifecycle.ts';
import { judge } from '../../properties/property.ts';
import { history, messages } from './build.ts';

const c = 'client-0';
const boot: HistoryBody = { type: 'bootstrap', version: '1.24.0', desired: '1.24.0' };
const open = (conn: number): HistoryBody => ({ type: 'conn-open', conn, client: c });
const close = (conn: number): HistoryBody => ({ type: 'conn-close', conn, client: c, reason: 'agent-down' });
const down = (reason: 'upgrade' | 'restart' | 'crash' = 'restart'): HistoryBody => ({ type: 'agent-down', reason });
const up: HistoryBody = { type: 'agent-up', version: '1.24.0' };
const deploy = (conn: number, accepted: boolean): HistoryBody => ({
  type: 'request',
  conn,
  client: c,
  facade: 'Application',
  method: 'Deploy',
  accepted,
});

describe('agent-lifecycle', () => {
  it('holds when every connection closes with the agent and nothing is accepted until it is back', () => {
    const h = history()
      .at(0, boot, open(1))
      .at(5, deploy(1, true))
      .at(10, down('upgrade'), close(1))
      .at(14, up)
      .at(15, open(2), { type: 'login', conn: 2, client: c, ok: true }, deploy(2, true))
      .at(20, down(), close(2))
      .at(25, up)
      .end(30);
    expect(judge(agentLifecycle, h)).toEqual({ property: 'agent-lifecycle', verdict: 'held' });
  });

  it('fails a connection that survives the restart, at the agent-up', () => {
    const h = history().at(0, boot, open(1), open(2)).at(10, down(), close(1)).at(14, up).end(30);
    expect(agentLifecycle.check(h)).toEqual([
      {
        property: 'agent-lifecycle',
        t: 14,
        client: c,
        message: 'conn 2 of client-0 outlived the agent restart (restart) at t=10',
      },
    ]);
  });

  it('fails whatever is accepted while the agent is down; refusals are fine', () => {
    const h = history()
      .at(0, boot, open(1))
      .at(10, down(), close(1))
      .at(11, open(2), { type: 'login', conn: 2, client: c, ok: true }, deploy(2, false), deploy(2, true))
      .at(12, { type: 'watcher-start', conn: 2, client: c, watcher: '1' })
      .end(30);
    expect(messages(agentLifecycle.check(h))).toEqual([
      'conn 2 of client-0 opened while the agent was down',
      'login of client-0 (conn 2) accepted while the agent was down',
      'Application.Deploy from client-0 (conn 2) accepted while the agent was down',
      'watcher 1 of client-0 (conn 2) accepted while the agent was down',
    ]);
  });

  it('fails a unit agent that runs hooks after its application was removed, until it is deployed again', () => {
    const app = (method: 'Deploy' | 'DestroyApplication', t: string): HistoryBody => ({
      type: 'request',
      conn: 1,
      client: c,
      facade: 'Application',
      method,
      accepted: true,
      apps: [t],
    });
    const hook = (type: 'hook-start' | 'hook-end', unit: string, result: 'ok' | 'interrupted' = 'ok'): HistoryBody =>
      type === 'hook-start' ? { type, unit, hook: 'install' } : { type, unit, hook: 'install', result };
    const h = history()
      .at(0, boot, open(1), app('Deploy', 'wp'), app('Deploy', 'wp-db'), hook('hook-start', 'wp/0'))
      .at(0, hook('hook-start', 'wp/2'))
      .at(5, app('DestroyApplication', 'wp'), hook('hook-end', 'wp/2', 'interrupted'))
      .at(6, hook('hook-start', 'wp-db/0')) // another application whose name begins the same
      .at(7, hook('hook-end', 'wp/0'), hook('hook-start', 'wp/1'))
      .at(9, app('Deploy', 'wp'), hook('hook-start', 'wp/0'))
      .end(30);
    expect(messages(agentLifecycle.check(h))).toEqual([
      'hook install of wp/0 ended after its application was removed at t=5',
      'hook install of wp/1 started after its application was removed at t=5',
    ]);
  });

  describe('the agent and its unit agents across restarts', () => {
    const start = (unit: string, hook = 'install'): HistoryBody => ({ type: 'hook-start', unit, hook });
    const end = (unit: string, result: 'ok' | 'interrupted' = 'ok', hook = 'install'): HistoryBody => ({
      type: 'hook-end',
      unit,
      hook,
      result,
    });

    it('holds when hooks run one at a time per unit and a restart or a crash interrupts those in flight', () => {
      const h = history()
        .at(0, boot, start('wp/0'), start('db/0'))
        .at(3, end('wp/0'), start('wp/0', 'config-changed'))
        .at(5, down('upgrade'), end('wp/0', 'interrupted', 'config-changed'), end('db/0', 'interrupted'))
        .at(9, up, start('wp/0', 'config-changed'), start('db/0'))
        .at(10, { type: 'fault-start', fault: 'crash' })
        .at(12, { type: 'fault-end', fault: 'crash' }, down('crash'), end('db/0', 'interrupted'))
        .at(12, end('wp/0', 'interrupted', 'config-changed'))
        .at(14, up, start('db/0')) // still running when the history ends: not judged
        .end(30);
      expect(judge(agentLifecycle, h)).toEqual({ property: 'agent-lifecycle', verdict: 'held' });
    });

    it('fails an agent-up with no agent-down before it (a crash recovered without recording the agent down)', () => {
      const h = history()
        .at(0, boot)
        .at(10, { type: 'fault-start', fault: 'crash' })
        .at(12, { type: 'fault-end', fault: 'crash' })
        .at(14, up)
        .at(20, down(), up, up)
        .end(30);
      expect(messages(agentLifecycle.check(h))).toEqual([
        'agent-up at 1.24.0 with no agent-down before it: the agent was not down',
        'agent-up at 1.24.0 with no agent-down before it: the agent was not down',
      ]);
    });

    it('fails a hook that outlives an agent restart, at the agent-up', () => {
      const h = history()
        .at(0, boot, start('wp/0'), start('db/0'))
        .at(5, down(), end('db/0', 'interrupted'))
        .at(9, up)
        .end(30);
      expect(agentLifecycle.check(h)).toEqual([
        {
          property: 'agent-lifecycle',
          t: 9,
          message: 'hook install of wp/0 from t=0 outlived the agent restart (restart) at t=5',
        },
      ]);
    });

    it('fails a hook started over a running one and a hook-end of no running hook', () => {
      const h = history()
        .at(0, boot, start('wp/0'))
        .at(3, start('wp/0', 'config-changed')) // the install never ended
        .at(4, end('db/0')) // never started
        .at(6, end('wp/0', 'ok', 'install')) // not the hook that runs
        .end(30);
      expect(messages(agentLifecycle.check(h))).toEqual([
        'hook config-changed of wp/0 started while its hook install from t=0 ran',
        'hook install of db/0 ended (ok) but was not running',
        'hook install of wp/0 ended (ok) but was not running',
      ]);
    });
  });

  describe('a unit is active only once its start hook ended ok', () => {
    const hook = (unit: string, name: string): HistoryBody[] => [
      { type: 'hook-start', unit, hook: name },
      { type: 'hook-end', unit, hook: name, result: 'ok' },
    ];
    const status = (unit: string, workload: string): HistoryBody => ({
      type: 'unit-status',
      unit,
      workload,
      agent: 'idle',
    });

    it('holds for a unit set active after install, config-changed and start, and again once redeployed and started', () => {
      const h = history()
        .at(0, boot, status('wp/0', 'waiting'), status('wp/0', 'maintenance'))
        .at(3, ...hook('wp/0', 'install'))
        .at(5, ...hook('wp/0', 'config-changed'))
        .at(8, ...hook('wp/0', 'start'), status('wp/0', 'active'))
        .at(10, status('wp/0', 'terminated'))
        .at(12, status('wp/0', 'waiting'), ...hook('wp/0', 'install'), ...hook('wp/0', 'config-changed'))
        .at(14, ...hook('wp/0', 'start'), status('wp/0', 'active'))
        .end(30);
      expect(agentLifecycle.check(h)).toEqual([]);
    });

    it('fails a unit set active after its install hook (the status the watchers and deployments-complete trust), and a redeployed unit active on its old start', () => {
      const early = history()
        .at(0, boot, status('wp/0', 'waiting'))
        .at(3, ...hook('wp/0', 'install'), status('wp/0', 'active'))
        .at(4, status('wp/0', 'maintenance'))
        .at(8, ...hook('wp/0', 'config-changed'), ...hook('wp/0', 'start'), status('wp/0', 'active'))
        .end(30);
      const recycled = history()
        .at(0, boot, status('wp/0', 'waiting'), ...hook('wp/0', 'install'), ...hook('wp/0', 'start'))
        .at(2, status('wp/0', 'active'))
        .at(10, status('wp/0', 'terminated'))
        .at(12, status('wp/0', 'waiting'), status('wp/0', 'active'))
        .end(30);
      const message = 'unit wp/0 set active before its start hook ended ok (its agent had not run its hooks)';
      expect(agentLifecycle.check(early)).toEqual([{ property: 'agent-lifecycle', t: 3, message }]);
      expect(agentLifecycle.check(recycled)).toEqual([{ property: 'agent-lifecycle', t: 12, message }]);
    });
  });

  it('cannot judge a history with no controller-side records', () => {
    const h = history().at(0, { type: 'client-conn', client: c, conn: 1, state: 'open' }).end(30);
    expect(judge(agentLifecycle, h)).toMatchObject({ verdict: 'unknown' });
  });
});
