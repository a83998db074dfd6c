import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { versionAsTested } from '../../properties/version-as-tested.ts';
import { history, messages } from './build.ts';

const boot = (version: string): HistoryBody => ({ type: 'bootstrap', version, desired: version });
const change = (from: string, to: string): HistoryBody[] => [
  { type: 'agent-down', reason: 'upgrade' },
  { type: 'version', from, to },
  { type: 'agent-up', version: to },
];
const explicit = (chosen: string, requested?: string): HistoryBody => ({
  type: 'upgrade-requested',
  explicit: true,
  chosen,
  ...(requested ? { requested } : {}),
});

describe('version-as-tested', () => {
  it('holds trivially without a tested version', () => {
    const h = history()
      .at(0, boot('1.22.1'))
      .at(10, ...change('1.22.1', '1.23-beta1.1'))
      .end(100);
    expect(versionAsTested.check(h)).toEqual([]);
  });

  it('holds while the controller runs the tested version, restarts included', () => {
    const h = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.1'))
      .at(10, { type: 'agent-down', reason: 'restart' }, { type: 'agent-up', version: '1.22.1' })
      .end(100);
    expect(versionAsTested.check(h)).toEqual([]);
  });

  it('holds for the exact target of an explicit upgrade, requested or chosen', () => {
    const requested = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.1'))
      .at(5, explicit('1.22.5', '1.22.5'))
      .at(10, ...change('1.22.1', '1.22.5'))
      .end(100);
    const chosenOnly = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.1'))
      .at(5, explicit('1.22.3'))
      .at(10, ...change('1.22.1', '1.22.3'))
      .end(100);
    expect(versionAsTested.check(requested)).toEqual([]);
    expect(versionAsTested.check(chosenOnly)).toEqual([]);
  });

  it('fails an implicit upgrade after bootstrap (the bug report), once per change', () => {
    const h = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.1'))
      .at(5, { type: 'upgrade-requested', explicit: false, chosen: '1.22.3' })
      .at(10, ...change('1.22.1', '1.22.3'))
      .at(20, { type: 'agent-down', reason: 'restart' }, { type: 'agent-up', version: '1.22.3' })
      .end(100);
    expect(versionAsTested.check(h)).toEqual([
      {
        property: 'version-as-tested',
        t: 10,
        message: 'controller runs 1.22.3 (version 1.22.1 -> 1.22.3), not the tested 1.22.1',
      },
    ]);
  });

  it('fails an --upload-tools upgrade that lands on another version than requested', () => {
    const h = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.1'))
      .at(5, explicit('1.23-beta1.1', '1.22.5'))
      .at(10, ...change('1.22.1', '1.23-beta1.1'))
      .end(100);
    expect(messages(versionAsTested.check(h))).toEqual([
      'controller runs 1.23-beta1.1 (version 1.22.1 -> 1.23-beta1.1), not the tested 1.22.1 nor an explicit upgrade target (1.22.5)',
    ]);
  });

  it('fails a bootstrap into another version, and an agent that comes up in one', () => {
    const h = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.3'))
      .at(10, { type: 'agent-down', reason: 'restart' }, { type: 'agent-up', version: '1.22.1' })
      .at(20, { type: 'agent-down', reason: 'restart' }, { type: 'agent-up', version: '1.22.4' })
      .end(100);
    const v = versionAsTested.check(h);
    expect(v.map((x) => x.t)).toEqual([0, 20]);
    expect(messages(v)).toEqual([
      'controller runs 1.22.3 (bootstrap), not the tested 1.22.1',
      'controller runs 1.22.4 (agent-up), not the tested 1.22.1',
    ]);
  });

  it('allows nothing for a refused request, nor before the request', () => {
    const refused = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.1'))
      .at(5, { type: 'upgrade-requested', explicit: true, requested: '1.22.5', refused: 'upgrade in progress' })
      .at(10, ...change('1.22.1', '1.22.5'))
      .end(100);
    const tooEarly = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.1'))
      .at(10, ...change('1.22.1', '1.22.5'))
      .at(20, explicit('1.22.5'))
      .end(100);
    expect(versionAsTested.check(refused)).toHaveLength(1);
    expect(versionAsTested.check(tooEarly)).toHaveLength(1);
  });

  it('judges two upgrades: the explicit one is allowed, the surprise one is not', () => {
    const h = history({ testedVersion: '1.22.1' })
      .at(0, boot('1.22.1'))
      .at(5, explicit('1.22.3'))
      .at(10, ...change('1.22.1', '1.22.3'))
      .at(50, ...change('1.22.3', '1.22.5'))
      .end(100);
    expect(versionAsTested.check(h).map((x) => x.t)).toEqual([50]);
  });
});
