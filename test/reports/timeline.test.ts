/**
 * The printed timeline: a client that loops through reconnects writes dozens of lines alike but for
 * their numbers; they fold into the first, a count and the last, so the lines around them (the
 * cause) stay in view.
 */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import { formatTimeline } from '../../reports/timeline.ts';
import { deployAccepted } from '../properties/build.ts';

/** A run's parameters, as the timeline reads them (whether a program played the client). */
const PARAMS = { clients: ['client-0'], resumeDeadlineMs: 1000, requestDeadlineMs: 500 };

const closed = (conn: number, reason: 'client' | 'fault' = 'client') =>
  ({ t: 1000 + conn, type: 'conn-close', conn, client: 'client-0', reason }) as const;

describe('formatTimeline', () => {
  it('folds a run of lines alike but for their numbers into first, count and last', () => {
    const history = [closed(1, 'fault'), ...[2, 3, 4, 5, 6, 7].map((c) => closed(c)), closed(8, 'fault')] as History;
    const lines = formatTimeline(history).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('conn 1 of client-0 closed (fault)');
    expect(lines[1]).toContain('conn 2 of client-0 closed (client)');
    expect(lines[2]).toContain('... 4 more like these ...');
    expect(lines[3]).toContain('conn 7 of client-0 closed (client)');
    expect(lines[4]).toContain('conn 8 of client-0 closed (fault)');
  });

  it('keeps three lines alike as they are', () => {
    const lines = formatTimeline([2, 3, 4].map((c) => closed(c)) as History).split('\n');
    expect(lines.map((l) => /conn (\d+)/.exec(l)![1])).toEqual(['2', '3', '4']);
  });

  // 200 lines, none alike its neighbour: a connection opened, then a login, each millisecond.
  const long = Array.from({ length: 100 }, (_, i) => [
    { t: 2 * i, type: 'conn-open', conn: i, client: 'client-0' },
    { t: 2 * i + 1, type: 'login', conn: i, client: 'client-0', ok: i !== 60 },
  ]).flat() as History;

  it('cut short, keeps the lines that lead up to a violation and its window opening, and says how to see all', () => {
    const text = formatTimeline(long, { focus: [{ t: 121, since: 40 }], fullHint: 'upgrade-chaos show --full F' });
    const lines = text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(80);
    expect(text).toContain('client-0 login refused'); // the line at the violation's moment (conn 60)
    expect(text).toMatch(/conn 52 opened/); // what led up to it
    expect(text).toMatch(/conn 20 opened/); // its window's opening
    expect(text).toMatch(/conn 99 opened/); // the end
    expect(text).toMatch(/\.\.\. \d+ more lines \(upgrade-chaos show --full F\) \.\.\./);
    // Without a focus the middle is what goes: the violation's line with it.
    expect(formatTimeline(long)).not.toContain('login refused');
    expect(formatTimeline(long).split('\n').length).toBeLessThanOrEqual(80);
    expect(formatTimeline(long, { maxLines: Infinity }).split('\n')).toHaveLength(200);
  });

  it("in a program's run, names the operator's removal and keeps it in view when a violation names its application", () => {
    // A program's run (params.program): the plan's remove of postgresql is the operator's removal of
    // old-postgresql, long before the view that kept it as a ghost is judged.
    const pairs = (from: number, to: number, at: number) =>
      Array.from({ length: to - from }, (_, k) => [
        { t: at + 2 * k, type: 'conn-open', conn: from + k, client: 'client-0' },
        { t: at + 2 * k + 1, type: 'login', conn: from + k, client: 'client-0', ok: true },
      ]).flat();
    const ghost = "client-0's view (not watching) differs from the final model: ghost: app old-postgresql";
    const history = [
      { t: 0, type: 'run-start', scenario: 's', target: 'process', seed: 1, params: { ...PARAMS, program: true } },
      ...pairs(0, 50, 1),
      { t: 101, type: 'event', index: 3, event: { kind: 'remove', client: 0, app: 'postgresql' }, applied: true },
      {
        t: 102,
        type: 'request',
        conn: 900,
        client: 'operator',
        facade: 'Application',
        method: 'DestroyApplication',
        accepted: true,
        apps: ['old-postgresql'],
      },
      ...pairs(50, 100, 103),
    ] as History;
    const text = formatTimeline(history, { focus: [{ t: 300, message: ghost }] });
    expect(text.split('\n').length).toBeLessThanOrEqual(80);
    expect(text).toContain('accepted Application.DestroyApplication from operator (old-postgresql)');
    expect(text).toContain('plan        operator: remove-application old-postgresql (theirs, there since bootstrap)');
    expect(text).not.toContain('client-0: remove-application');
    // A violation that names no application keeps no removal in view.
    expect(formatTimeline(history, { focus: [{ t: 300, message: 'something else' }] })).not.toContain(
      'DestroyApplication',
    );
  });

  it('calls a Deploy whose application got an error in its ok reply (already exists) failed for it, not accepted', () => {
    const deploy = (apps: string[], charms: Record<string, string>) => ({ t: 5, ...deployAccepted(apps), charms });
    const exists = formatTimeline([deploy([], { mysql: 'cs:trusty/mysql' })] as History);
    expect(exists).toContain('FAILED Application.Deploy from client-0: an error in the reply for mysql: not created');
    expect(exists).not.toContain('accepted');
    const partly = formatTimeline([
      deploy(['wordpress'], { mysql: 'cs:trusty/mysql', wordpress: 'cs:trusty/wordpress' }),
    ] as History);
    expect(partly).toContain(
      'accepted Application.Deploy from client-0 (wordpress), but an error in the reply for mysql: not created',
    );
    expect(formatTimeline([deploy(['mysql'], { mysql: 'cs:trusty/mysql' })] as History)).toContain(
      'accepted Application.Deploy from client-0 (mysql)',
    );
  });
});
