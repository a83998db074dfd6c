import { describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../harness/history.ts';
import { noLostWork } from '../../properties/no-lost-work.ts';
import { history, messages, view } from './build.ts';

const deploy = (apps: string[], accepted = true, method = 'Deploy'): HistoryBody => ({
  type: 'request',
  conn: 2,
  client: 'client-0',
  facade: 'Application',
  method,
  accepted,
  apps,
});
const final: HistoryBody = { type: 'final-model', version: '1.22.3', model: view({ wp: { 'wp/0': 'error' } }) };

describe('no-lost-work', () => {
  it('holds when every accepted deploy is in the final model, whatever its units', () => {
    const h = history()
      .at(10, deploy(['wp']))
      .at(100, final)
      .end(200);
    expect(noLostWork.check(h)).toEqual([]);
  });

  it('ignores refused deploys and other methods', () => {
    const h = history()
      .at(10, deploy(['db'], false), deploy(['db'], true, 'AddUnits'))
      .at(100, final)
      .end(200);
    expect(noLostWork.check(h)).toEqual([]);
  });

  it("counts Juju 3's DeployFromRepository as a deploy", () => {
    const h = history()
      .at(10, deploy(['ubuntu'], true, 'DeployFromRepository'))
      .at(100, final)
      .end(200);
    expect(messages(noLostWork.check(h))).toHaveLength(1);
  });

  it('fails once per accepted app missing from the final model', () => {
    const h = history()
      .at(10, deploy(['wp', 'db', 'mq']))
      .at(100, final)
      .end(200);
    const v = noLostWork.check(h);
    expect(v.map((x) => [x.t, x.client])).toEqual([
      [100, 'client-0'],
      [100, 'client-0'],
    ]);
    expect(messages(v)).toEqual([
      'Application.Deploy of db from client-0 (conn 2) accepted at t=10ms, but db is absent from the final model',
      'Application.Deploy of mq from client-0 (conn 2) accepted at t=10ms, but mq is absent from the final model',
    ]);
  });

  it('says nothing without a final model', () => {
    expect(
      noLostWork.check(
        history()
          .at(10, deploy(['db']))
          .end(200),
      ),
    ).toEqual([]);
  });
});
