import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { judge } from '../../properties/property.ts';
import { upgradeSequence } from '../../properties/upgrade-sequence.ts';
import { history, messages } from './build.ts';

const boot: HistoryBody = { type: 'bootstrap', version: '1.24.0', desired: '1.24.2' };
const pending = (from: string, to: string): HistoryBody => ({ type: 'upgrade-pending', from, to });
const download = (version: string, ok = true): HistoryBody => ({ type: 'download', version, ok });
const down = (reason: 'upgrade' | 'restart'): HistoryBody => ({ type: 'agent-down', reason });
const up = (version: string): HistoryBody => ({ type: 'agent-up', version });
const version = (from: string, to: string): HistoryBody => ({ type: 'version', from, to });
const steps = (v: string): HistoryBody => ({ type: 'upgrade-steps', version: v });
const end = (v: string): HistoryBody => ({ type: 'upgrade-end', version: v });

describe('upgrade-sequence', () => {
  it('holds for the upgrader in order, with a failed download, crashes while pending and during steps, and a second upgrade', () => {
    const h = history()
      .at(0, boot, pending('1.24.0', '1.24.2'))
      .at(2, down('restart'))
      .at(3, up('1.24.0'))
      .at(5, download('1.24.2', false))
      .at(9, download('1.24.2'), down('upgrade'))
      .at(12, up('1.24.2'), version('1.24.0', '1.24.2'), steps('1.24.2'))
      .at(14, down('restart'))
      .at(16, up('1.24.2'), steps('1.24.2'))
      .at(20, end('1.24.2'))
      .at(30, pending('1.24.2', '1.24.3'))
      .at(32, download('1.24.3'), down('upgrade'))
      .at(35, up('1.24.3'), version('1.24.2', '1.24.3'), steps('1.24.3'))
      .at(40, end('1.24.3'))
      .end(50);
    expect(judge(upgradeSequence, h)).toEqual({ property: 'upgrade-sequence', verdict: 'held' });
  });

  it('fails a version change visible only in agent-up records', () => {
    const h = history()
      .at(0, boot, pending('1.24.0', '1.24.2'))
      .at(9, download('1.24.2'), down('upgrade'))
      .at(12, up('1.24.2'), steps('1.24.2'))
      .at(20, end('1.24.2'))
      .end(50);
    expect(upgradeSequence.check(h)).toEqual([
      {
        property: 'upgrade-sequence',
        t: 12,
        message: 'version changed 1.24.0 -> 1.24.2 visible only in agent-up (no version record)',
      },
    ]);
  });

  it('takes the version record as the next thing the controller wrote, even a tick later (real targets)', () => {
    const h = history()
      .at(0, boot, pending('1.24.0', '1.24.2'))
      .at(9, download('1.24.2'), down('upgrade'))
      .at(12, up('1.24.2'), { type: 'client-conn', client: 'client-0', conn: 1, state: 'closed' })
      .at(13, version('1.24.0', '1.24.2'), steps('1.24.2'))
      .at(20, end('1.24.2'))
      .end(50);
    expect(upgradeSequence.check(h)).toEqual([]);
  });

  it('fails steps that end before the restart into the new version', () => {
    const h = history()
      .at(0, boot, pending('1.24.0', '1.24.2'))
      .at(5, steps('1.24.2'))
      .at(8, end('1.24.2'))
      .at(9, download('1.24.2'), down('upgrade'))
      .at(12, up('1.24.2'), version('1.24.0', '1.24.2'))
      .end(50);
    expect(messages(upgradeSequence.check(h))).toEqual([
      'upgrade steps for 1.24.2 started before the agent restarted into it (the upgrade to 1.24.2 is pending)',
      'download of 1.24.2 while no upgrade is pending',
      'agent went down for an upgrade while no upgrade is pending',
    ]);
  });

  it('fails a version change outside the sequence: by a crash restart, or a version record out of the blue', () => {
    const crash = history()
      .at(0, boot)
      .at(10, down('restart'))
      .at(12, up('1.24.2'), version('1.24.0', '1.24.2'))
      .end(50);
    expect(messages(upgradeSequence.check(crash))).toEqual([
      'version changed 1.24.0 -> 1.24.2 outside an upgrade (agent-up after restart)',
    ]);
    const blue = history().at(0, boot).at(10, version('1.24.0', '1.24.2')).end(50);
    expect(messages(upgradeSequence.check(blue))).toEqual([
      "version 1.24.0 -> 1.24.2 recorded outside an upgrade's restart (no upgrade is pending)",
    ]);
  });

  it('fails an agent that comes up at another version than the target, and a second upgrade on top of one', () => {
    const h = history()
      .at(0, boot, pending('1.24.0', '1.24.2'))
      .at(5, pending('1.24.0', '1.24.3'))
      .at(9, download('1.24.3'), down('upgrade'))
      .at(12, up('1.24.4'), version('1.24.0', '1.24.4'))
      .end(50);
    expect(messages(upgradeSequence.check(h))).toEqual([
      'upgrade 1.24.0 -> 1.24.3 pending while the upgrade to 1.24.2 is pending',
      "agent came up at 1.24.4, not the upgrade's target 1.24.3",
    ]);
  });

  it('says nothing of an upgrade the run ended in the middle of', () => {
    const h = history().at(0, boot, pending('1.24.0', '1.24.2')).at(9, download('1.24.2'), down('upgrade')).end(50);
    expect(upgradeSequence.check(h)).toEqual([]);
  });

  it('cannot judge a history with no controller-side records', () => {
    const h = history().at(0, { type: 'client-conn', client: 'client-0', conn: 1, state: 'open' }).end(30);
    expect(judge(upgradeSequence, h)).toMatchObject({ verdict: 'unknown' });
  });
});
