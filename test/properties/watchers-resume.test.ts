import { describe, expect, it } from 'vitest';
import { NEXT_IN_FLIGHT_ERROR, type CloseReason, type HistoryBody } from '../../harness/history.ts';
import { watchersResume } from '../../properties/watchers-resume.ts';
import { history, messages, view } from './build.ts';

// Controller-side records for client-0 unless told otherwise.
const open = (conn: number, client = 'client-0'): HistoryBody => ({ type: 'conn-open', conn, client });
const close = (conn: number, reason: CloseReason, client = 'client-0'): HistoryBody => ({
  type: 'conn-close',
  conn,
  client,
  reason,
});
const watch = (conn: number, client = 'client-0'): HistoryBody => ({
  type: 'watcher-start',
  conn,
  client,
  watcher: `w${conn}`,
});
const unwatch = (conn: number, reason: 'client' | 'connection', client = 'client-0'): HistoryBody => ({
  type: 'watcher-stop',
  conn,
  client,
  watcher: `w${conn}`,
  reason,
});

/** client-0 watches on conn 1 from t=10; the fault closes conn 1 at t=100; it reconnects on conn 2 at t=200. */
const lostAt100 = () =>
  history({ resumeDeadlineMs: 1000 })
    .at(10, open(1), watch(1))
    .at(100, close(1, 'fault'), unwatch(1, 'connection'))
    .at(200, open(2));

describe('watchers-resume: resume deadline', () => {
  it('holds when the watcher is back exactly at the deadline', () => {
    expect(watchersResume.check(lostAt100().at(1100, watch(2)).end(2000))).toEqual([]);
  });

  it('fails when the watcher comes back after the deadline, at the instant it ran out', () => {
    const v = watchersResume.check(lostAt100().at(1101, watch(2)).end(2000));
    expect(v).toEqual([
      {
        property: 'watchers-resume',
        t: 1100,
        since: 100,
        client: 'client-0',
        message:
          'client-0 lost its watcher when conn 1 closed (fault) at t=100ms and had no watcher back after 1s of available time',
      },
    ]);
  });

  it('on a real target, says the real times at its time scale too (a program backs off in real seconds)', () => {
    const real = history({ resumeDeadlineMs: 30_000, timeScale: 0.1 })
      .at(10, open(1), watch(1))
      .at(12_000, close(1, 'fault'), unwatch(1, 'connection'))
      .at(50_000, open(2), watch(2))
      .end(60_000);
    expect(messages(watchersResume.check(real))).toEqual([
      'client-0 lost its watcher when conn 1 closed (fault) at t=12s (1.2s real at time scale 0.1) ' +
        'and had no watcher back after 30s (3s real at time scale 0.1) of available time',
    ]);
  });

  it('fails when the watcher never comes back and the run outlives the deadline', () => {
    const v = watchersResume.check(lostAt100().end(5000));
    expect(v.map((x) => x.t)).toEqual([1100]);
  });

  /** client-0 is a program that exited at `exitedAt` (its view says so, written at the run's end). */
  const programExited = (exitedAt: number) =>
    lostAt100()
      .at(4000, { type: 'client-view', client: 'client-0', watching: false, view: view({}), exitedAt })
      .end(5000);

  it("stops a program's clock at its exit: one that gave up before the deadline ran out is its exit's to answer for", () => {
    // The trial's python-libjuju script: lost its watcher at 16.1 s, exited 1 at 17.1 s; its exit
    // is a deployments-complete failure, not a watcher it failed to resume 30 s later.
    expect(watchersResume.check(programExited(1099))).toEqual([]);
  });

  it('still fails a program that lived past the deadline without a watcher', () => {
    expect(watchersResume.check(programExited(1101)).map((x) => x.t)).toEqual([1100]);
  });

  /** client-0 is a program (RunParams.program) that wrote no view: its exit is its deploy's report. */
  const programReported = (t: number) =>
    history({ resumeDeadlineMs: 1000, program: true })
      .at(10, open(1), watch(1))
      .at(100, close(1, 'agent-down'), unwatch(1, 'connection'))
      .at(t, { type: 'fail', client: 'client-0', op: 1, f: 'deploy', error: 'exit code 1: connection lost' })
      .end(5000);

  it("takes a program's exit from its report when it wrote no view (python-libjuju's crash at reconnect)", () => {
    expect(watchersResume.check(programReported(1099))).toEqual([]);
    expect(watchersResume.check(programReported(1101)).map((x) => x.t)).toEqual([1100]);
  });

  /** The records of a run that closed (quiet, with its final model) at `t`, its history ending there. */
  const closedAt = (b: ReturnType<typeof lostAt100>, t: number) =>
    b
      .at(t, { type: 'quiescence' }, { type: 'quiet', reached: true })
      .at(t, { type: 'final-model', version: '1.24.2', model: view({}) })
      .end(t);

  it('says nothing when the run ends before the deadline runs out and no silent link was excused: rule 2 judges', () => {
    expect(watchersResume.check(closedAt(lostAt100(), 1099))).toEqual([]);
    expect(watchersResume.cannotJudge!(closedAt(lostAt100(), 1099))).toBeUndefined();
  });

  it('cannot judge a watcher lost at a half-open near the end until its excuse and deadline both ran out', () => {
    // conn 1 goes half-open at 1s; the client gives it up at 41s (30s of it excused), dials again
    // and never watches: its deadline runs out at 61s, after the history's end at 45s.
    const h = () =>
      history({ resumeDeadlineMs: 30_000, requestDeadlineMs: 30_000 })
        .at(10, open(1), watch(1))
        .at(
          1_000,
          close(1, 'fault'),
          { type: 'event', index: 1, event: { kind: 'half-open', client: 0 }, applied: true },
          unwatch(1, 'connection'),
        )
        .at(41_000, { type: 'client-conn', client: 'client-0', conn: 1, state: 'closed' })
        .at(41_100, open(2));
    expect(watchersResume.check(closedAt(h(), 45_000))).toEqual([]);
    expect(watchersResume.cannotJudge!(closedAt(h(), 45_000))).toBe(
      'client-0 lost its watcher when conn 1 closed (fault) at t=1s and had none back when the history ended, ' +
        "after 14s of available time (30s more excused as a half-open link's silence): " +
        'the run ended before its resume deadline (30s) could be judged',
    );
    expect(watchersResume.check(closedAt(h(), 70_000)).map((v) => v.t)).toEqual([61_000]);
    expect(watchersResume.cannotJudge!(closedAt(h(), 70_000))).toBeUndefined();
  });

  it('counts a watcher stopped for the connection just before the close (either order)', () => {
    const stopFirst = history({ resumeDeadlineMs: 1000 })
      .at(10, open(1), watch(1))
      .at(100, unwatch(1, 'connection'), close(1, 'agent-down'))
      .end(5000);
    const closeFirst = history({ resumeDeadlineMs: 1000 })
      .at(10, open(1), watch(1))
      .at(100, close(1, 'agent-down'), unwatch(1, 'connection'))
      .end(5000);
    expect(watchersResume.check(stopFirst)).toHaveLength(1);
    expect(watchersResume.check(closeFirst)).toHaveLength(1);
    expect(watchersResume.check(stopFirst)[0]!.message).toContain('conn 1 closed (agent-down)');
  });

  it('is not a loss when the client closes the connection itself', () => {
    const h = history().at(10, open(1), watch(1)).at(100, close(1, 'client'), unwatch(1, 'connection')).end(5000);
    expect(watchersResume.check(h)).toEqual([]);
  });

  it('is a loss once the client asks Next, on another connection, on the watcher it closed with its own', () => {
    // The client closed conn 1 itself (after a Next refused "upgrade in progress"), dialled again
    // and keeps asking Next on w1, which the controller no longer knows: it never resumed.
    const staleNext = (conn: number, t: number): [number, HistoryBody] => [
      t,
      {
        type: 'request',
        conn,
        client: 'client-0',
        facade: 'AllWatcher',
        method: 'Next',
        accepted: false,
        error: 'unknown watcher id',
        watcher: 'w1',
      },
    ];
    const closedItself = () =>
      history({ resumeDeadlineMs: 1000 })
        .at(10, open(1), watch(1))
        .at(100, close(1, 'client'), unwatch(1, 'connection'))
        .at(200, open(2));
    const stale = closedItself()
      .at(...staleNext(2, 300))
      .at(...staleNext(2, 900))
      .end(5000);
    expect(watchersResume.check(stale)).toEqual([
      {
        property: 'watchers-resume',
        t: 1300,
        since: 300, // its deadline ran from the stale Next
        client: 'client-0',
        message:
          'client-0 lost its watcher when conn 1 closed (client) at t=100ms, asked Next on it at t=300ms on another ' +
          'connection, and had no watcher back after 1s of available time',
      },
    ]);
    // Watching again within the deadline of that Next resolves it; watching again before it, too.
    expect(
      watchersResume.check(
        closedItself()
          .at(...staleNext(2, 300))
          .at(1300, watch(2))
          .end(5000),
      ),
    ).toEqual([]);
    expect(
      watchersResume.check(
        closedItself()
          .at(250, watch(2))
          .at(...staleNext(2, 300))
          .end(5000),
      ),
    ).toEqual([]);
  });

  it('is not a loss when the connection had no live watcher', () => {
    const neverWatched = history().at(10, open(1)).at(100, close(1, 'fault')).end(5000);
    const stoppedByClient = history()
      .at(10, open(1), watch(1))
      .at(50, unwatch(1, 'client'))
      .at(100, close(1, 'fault'))
      .end(5000);
    expect(watchersResume.check(neverWatched)).toEqual([]);
    expect(watchersResume.check(stoppedByClient)).toEqual([]);
  });

  it('pauses the clock while the agent is down', () => {
    // available: 100..100 (0ms), then from agent-up at 5000: deadline runs out at 6000
    const base = () =>
      history({ resumeDeadlineMs: 1000 })
        .at(10, open(1), watch(1))
        .at(100, { type: 'agent-down', reason: 'restart' }, close(1, 'agent-down'), unwatch(1, 'connection'))
        .at(5000, { type: 'agent-up', version: '1.22.1' }, open(2));
    expect(watchersResume.check(base().at(6000, watch(2)).end(9000))).toEqual([]);
    expect(watchersResume.check(base().at(6001, watch(2)).end(9000)).map((x) => x.t)).toEqual([6000]);
  });

  it('pauses the clock while an upgrade is pending or running, across several upgrades', () => {
    // available: 100..200 (100ms), 3000..3400 (400ms), 5000..5500 (500ms) -> runs out at 5500
    const base = () =>
      lostAt100()
        .at(200, { type: 'upgrade-pending', from: '1.22.1', to: '1.22.3' })
        .at(1000, { type: 'agent-down', reason: 'upgrade' })
        .at(2000, { type: 'agent-up', version: '1.22.3' })
        .at(3000, { type: 'upgrade-end', version: '1.22.3' })
        .at(3400, { type: 'upgrade-pending', from: '1.22.3', to: '1.22.5' })
        .at(5000, { type: 'upgrade-end', version: '1.22.5' });
    expect(watchersResume.check(base().at(5500, watch(2)).end(9000))).toEqual([]);
    expect(watchersResume.check(base().end(9000)).map((x) => x.t)).toEqual([5500]);
  });

  it("pauses the clock during the client's own partition, not another client's", () => {
    const partition = (client: string, from: number, to: number) => (b: ReturnType<typeof lostAt100>) =>
      b
        .at(from, { type: 'fault-start', fault: 'partition', client })
        .at(to, { type: 'fault-end', fault: 'partition', client });
    // own partition 300..2300 pauses 2s: the deadline runs out at 3100
    const own = partition('client-0', 300, 2300)(lostAt100());
    expect(watchersResume.check(own.at(3100, watch(2)).end(9000))).toEqual([]);
    expect(watchersResume.check(partition('client-0', 300, 2300)(lostAt100()).end(9000)).map((x) => x.t)).toEqual([
      3100,
    ]);
    // client-1's partition does not pause client-0's clock
    expect(watchersResume.check(partition('client-1', 300, 2300)(lostAt100()).end(9000)).map((x) => x.t)).toEqual([
      1100,
    ]);
  });

  it('needs the same client to watch again; another client watching does not count', () => {
    const h = lostAt100().at(300, open(3, 'client-1'), watch(3, 'client-1')).end(5000);
    const v = watchersResume.check(h);
    expect(v).toHaveLength(1);
    expect(v[0]!.client).toBe('client-0');
  });

  it('needs the watcher on another connection than the lost one', () => {
    const h = lostAt100().at(300, watch(1)).end(5000);
    expect(watchersResume.check(h).map((x) => x.t)).toEqual([1100]);
  });

  it('judges every loss: a second loss after resuming is timed afresh', () => {
    const h = lostAt100().at(500, watch(2)).at(2000, close(2, 'fault')).at(2100, open(3)).at(3500, watch(3)).end(5000);
    const v = watchersResume.check(h);
    expect(v.map((x) => x.t)).toEqual([3000]);
    expect(v[0]!.message).toContain('conn 2 closed (fault) at t=2s');
  });
});

/** A half-open of client-0's links (plan.ts `half-open`, tied to its login) that closed the controller's end of `conn`. */
const halfOpen = (conn: number): HistoryBody[] => [
  close(conn, 'fault'),
  { type: 'event', index: 1, event: { kind: 'half-open', client: 0, on: 'login' }, applied: true },
];
/** client-0's own end of a connection closing (a built-in client's record: its login timed out). */
const gaveUp = (conn: number): HistoryBody => ({ type: 'client-conn', client: 'client-0', conn, state: 'closed' });

describe('watchers-resume: links gone half-open', () => {
  const params = { resumeDeadlineMs: 30_000, requestDeadlineMs: 30_000 };
  /**
   * The seed-1 run 8638 of juju-1.24-gated-api, cut to its bones: client-0 loses its watcher at
   * t=1s; both of its next logins go half-open, each costing its 10 s login timeout and a backoff;
   * it watches again at t=37s, 36 s later: 16 s of it available once the two silences are taken out.
   */
  const twoHalfOpensAtLogin = (signs: 'closes' | 'dials only') => {
    const b = history(params).at(10, open(1), watch(1)).at(1_000, close(1, 'fault'), unwatch(1, 'connection'));
    b.at(2_000, open(2)).at(2_020, ...halfOpen(2));
    if (signs === 'closes') b.at(12_020, gaveUp(2));
    b.at(16_000, open(3)).at(16_020, ...halfOpen(3));
    if (signs === 'closes') b.at(26_020, gaveUp(3));
    return b.at(36_000, open(4)).at(37_000, watch(4));
  };

  it("does not count a silent link's time until the client gave it up (closed it): two half-opens at login", () => {
    expect(watchersResume.check(twoHalfOpensAtLogin('closes').end(90_000))).toEqual([]);
  });

  it('takes a new dial for that sign where the client records nothing itself (a --client-cmd program)', () => {
    expect(watchersResume.check(twoHalfOpensAtLogin('dials only').end(90_000))).toEqual([]);
  });

  it('counts the time after the sign: a watcher that never comes back fails where the excuses end', () => {
    const h = history(params)
      .at(10, open(1), watch(1))
      .at(1_000, close(1, 'fault'), unwatch(1, 'connection'))
      .at(2_000, open(2))
      .at(2_020, ...halfOpen(2))
      .at(12_020, gaveUp(2))
      .at(16_000, open(3))
      .end(90_000);
    // 1 s..2.02 s counts (1.02 s), 2.02 s..12.02 s is silent, the rest counts from 12.02 s: 28.98 s more.
    expect(watchersResume.check(h).map((v) => v.t)).toEqual([41_000]);
  });

  it('excuses nothing to a client that never gives the link up (it has no timer: the bug)', () => {
    const h = history(params)
      .at(10, open(1), watch(1))
      .at(1_000, ...halfOpen(1), unwatch(1, 'connection'))
      .end(90_000);
    expect(watchersResume.check(h).map((v) => v.t)).toEqual([31_000]);
  });

  it('excuses at most the request deadline of silence', () => {
    const h = history({ ...params, requestDeadlineMs: 5_000 })
      .at(10, open(1), watch(1))
      .at(1_000, ...halfOpen(1), unwatch(1, 'connection'))
      .at(20_000, gaveUp(1))
      .end(90_000);
    expect(watchersResume.check(h).map((v) => v.t)).toEqual([36_000]);
  });

  it("excuses only the client whose links went half-open, not another client's loss", () => {
    const h = history(params)
      .at(10, open(1), watch(1), open(2, 'client-1'), watch(2, 'client-1'))
      .at(1_000, close(2, 'fault', 'client-1'), unwatch(2, 'connection', 'client-1'))
      .at(1_000, ...halfOpen(1), unwatch(1, 'connection'))
      .at(11_000, gaveUp(1))
      .end(90_000);
    expect(watchersResume.check(h).map((v) => [v.client, v.t])).toEqual([
      ['client-1', 31_000],
      ['client-0', 41_000],
    ]);
  });
});

describe('watchers-resume: views at quiescence', () => {
  const model = view({ wp: { 'wp/0': 'active', 'wp/1': 'active' }, db: { 'db/0': 'active' } });
  const withViews = (...views: HistoryBody[]) =>
    history()
      .at(100, { type: 'quiescence' })
      .at(200, ...views)
      .at(300, { type: 'final-model', version: '1.22.3', model })
      .end(400);

  it('holds when every view equals the final model, in any key order', () => {
    const same = view({ db: { 'db/0': 'active' }, wp: { 'wp/1': 'active', 'wp/0': 'active' } });
    expect(
      watchersResume.check(
        withViews(
          { type: 'client-view', client: 'client-0', watching: true, view: same },
          { type: 'client-view', client: 'client-1', watching: false, view: same },
        ),
      ),
    ).toEqual([]);
  });

  it('lists missing, ghost and stale entries, one violation per view', () => {
    const v = watchersResume.check(
      withViews({
        type: 'client-view',
        client: 'client-0',
        watching: true,
        view: view({ wp: { 'wp/0': 'maintenance', 'wp/2': 'active' }, redis: { 'redis/0': 'active' } }),
      }),
    );
    expect(v).toEqual([
      {
        property: 'watchers-resume',
        t: 200,
        client: 'client-0',
        message:
          "client-0's view (watching) differs from the final model: missing: unit wp/1, app db; " +
          'ghost: unit wp/2, app redis; stale: wp/0: view maintenance, model active',
      },
    ]);
  });

  it('judges a client that is no longer watching the same way', () => {
    const v = watchersResume.check(
      withViews({
        type: 'client-view',
        client: 'client-1',
        watching: false,
        view: view({ wp: { 'wp/0': 'waiting' } }),
      }),
    );
    expect(messages(v)).toEqual([
      "client-1's view (not watching) differs from the final model: missing: unit wp/1, app db; stale: wp/0: view waiting, model active",
    ]);
  });

  it('skips the view rule when there is no final model', () => {
    const h = history()
      .at(200, { type: 'client-view', client: 'client-0', watching: false, view: view({ ghost: {} }) })
      .end(400);
    expect(watchersResume.check(h)).toEqual([]);
  });
});

describe('watchers-resume: one Next at a time', () => {
  const next = (conn: number, error?: string): HistoryBody => ({
    type: 'request',
    conn,
    client: 'client-0',
    facade: 'AllWatcher',
    method: 'Next',
    accepted: error === undefined,
    ...(error !== undefined ? { error } : {}),
    watcher: `w${conn}`,
  });

  it('fails at a Next refused because the previous Next on its watcher was unanswered, and at no other refusal', () => {
    const h = history()
      .at(10, open(1), watch(1), next(1))
      .at(20, next(1, NEXT_IN_FLIGHT_ERROR))
      .at(30, next(1, 'unknown watcher id'))
      .end(40); // no final model: rule 2 says nothing here
    expect(watchersResume.check(h)).toEqual([
      {
        property: 'watchers-resume',
        t: 20,
        client: 'client-0',
        message:
          'client-0 asked AllWatcher.Next on watcher w1 (conn 1) before its previous Next there was answered: ' +
          'it matches answers to requests out of order (not by request-id) or runs two loops on one watcher',
      },
    ]);
  });
});

describe('watchers-resume: a program that exited with an application removed under it', () => {
  const next = (watcher: string): HistoryBody => ({
    type: 'request',
    conn: 1,
    client: 'client-0',
    facade: 'AllWatcher',
    method: 'Next',
    accepted: true,
    watcher,
  });
  const removal: HistoryBody = {
    type: 'request',
    conn: 2,
    client: 'operator',
    facade: 'Application',
    method: 'DestroyApplication',
    accepted: true,
    apps: ['old-mysql'],
  };
  const ghostView = view({ 'old-mysql': {}, mysql: { 'mysql/0': 'active' } });
  /** The program's view (written as it exited at 500) after the removal at 100 and `nexts` after it. */
  const exited = (nexts: HistoryBody[], exitedAt: number | null = 500) =>
    history()
      .at(50, next('1'))
      .at(100, removal)
      .at(200, ...nexts)
      .at(600, { type: 'quiescence' }, { type: 'quiet', reached: true })
      .at(700, {
        type: 'client-view',
        client: 'client-0',
        watching: false,
        view: ghostView,
        ...(exitedAt !== null ? { exitedAt } : {}),
      })
      .at(700, { type: 'final-model', version: '1.24.2', model: view({ mysql: { 'mysql/0': 'active' } }) })
      .end(800);

  it('is a ghost once a watcher of that client had two Nexts after the removal (the second proves the first answered)', () => {
    const [v, ...more] = watchersResume.check(exited([next('1'), next('1')]));
    expect(more).toEqual([]);
    expect(v?.message).toBe("client-0's view (not watching) differs from the final model: ghost: app old-mysql");
    // Decided as the program exited, in the moments before (a stall there makes it unknown), not
    // in the settle window long after.
    expect([v?.t, v?.since]).toEqual([500, 0]);
  });

  it('is excused while the removal may still have been on its way: one Next after it, or one on each of two watchers', () => {
    expect(watchersResume.check(exited([next('1')]))).toEqual([]);
    expect(watchersResume.check(exited([next('1'), next('2')]))).toEqual([]);
    expect(watchersResume.check(exited([]))).toEqual([]);
  });

  it('is a ghost once a watcher started after the removal had two Nexts: the second proves its snapshot was in', () => {
    const started: HistoryBody = { type: 'watcher-start', conn: 3, client: 'client-0', watcher: '2' };
    expect(messages(watchersResume.check(exited([started, next('2'), next('2')])))).toEqual([
      "client-0's view (not watching) differs from the final model: ghost: app old-mysql",
    ]);
  });

  it("is excused when the removal on login lands just before a fresh watcher's first Next and the program exits with its answer in flight", () => {
    // removal at 100, w2 starts at 101, its first Next at 102, the program exits at 103
    const h = history()
      .at(50, next('1'))
      .at(100, removal)
      .at(101, { type: 'watcher-start', conn: 3, client: 'client-0', watcher: '2' })
      .at(102, next('2'))
      .at(600, { type: 'quiescence' }, { type: 'quiet', reached: true })
      .at(700, { type: 'client-view', client: 'client-0', watching: false, view: ghostView, exitedAt: 103 })
      .at(700, { type: 'final-model', version: '1.24.2', model: view({ mysql: { 'mysql/0': 'active' } }) })
      .end(800);
    expect(watchersResume.check(h)).toEqual([]);
  });

  it('excuses nothing in a view that was not written as a program exited', () => {
    expect(messages(watchersResume.check(exited([], null)))).toHaveLength(1);
  });
});

/** Trial 12: a program that exits 1 before it ever watches writes its view on the way out; that view
 *  was blamed as differing from the model. Its exit is deployments-complete's to judge. */
describe('watchers-resume: a program that never watched', () => {
  const model = view({ mysql: { 'mysql/0': 'active' } });
  const exitedUnwatched = (...watched: HistoryBody[]) =>
    history()
      .at(0, { type: 'bootstrap', version: '1.24.2', desired: '1.24.2' })
      .at(10, open(1))
      .at(20, ...watched)
      .at(50, close(1, 'client'))
      .at(600, { type: 'quiescence' }, { type: 'quiet', reached: true })
      .at(700, { type: 'client-view', client: 'client-0', watching: false, view: view({}), exitedAt: 60 })
      .at(700, { type: 'final-model', version: '1.24.2', model })
      .end(800);

  it('is not compared with the model: its exit is judged by deployments-complete', () => {
    expect(watchersResume.check(exitedUnwatched())).toEqual([]);
  });

  it('one that started a watcher is compared as before', () => {
    expect(messages(watchersResume.check(exitedUnwatched(watch(1))))).toEqual([
      "client-0's view (not watching) differs from the final model: missing: app mysql",
    ]);
  });
});
