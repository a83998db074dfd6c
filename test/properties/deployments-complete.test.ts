import { describe, expect, it } from 'vitest';
import type { HistoryBody, ModelView } from '../../harness/history.ts';
import { deploymentsComplete } from '../../properties/deployments-complete.ts';
import { deployAccepted as acceptedDeploy, history, messages, view } from './build.ts';

const invoke = (op: number, app: string, units: number, client = 'client-0'): HistoryBody => ({
  type: 'invoke',
  client,
  op,
  f: 'deploy',
  value: { app, units },
});
const report = (type: 'ok' | 'fail' | 'info', op: number, error?: string, client = 'client-0'): HistoryBody => ({
  type,
  client,
  op,
  f: 'deploy',
  ...(error ? { error } : {}),
});
const final = (model: ModelView): HistoryBody => ({ type: 'final-model', version: '1.22.3', model });
/** The controller accepted client-0's Deploy of wp. */
const deployAccepted = acceptedDeploy(['wp']);

describe('deployments-complete', () => {
  it('holds when every deployed app has all units active and the client reported ok', () => {
    const h = history()
      .at(10, invoke(1, 'wp', 2), invoke(1, 'db', 1, 'client-1'))
      .at(50, report('ok', 1, undefined, 'client-1'), report('ok', 1))
      .at(100, final(view({ wp: { 'wp/0': 'active', 'wp/1': 'active' }, db: { 'db/0': 'active' } })))
      .end(200);
    expect(deploymentsComplete.check(h)).toEqual([]);
  });

  it('accepts more units than requested when all are active', () => {
    const h = history()
      .at(10, invoke(1, 'wp', 1))
      .at(50, report('ok', 1))
      .at(100, final(view({ wp: { 'wp/0': 'active', 'wp/1': 'active' } })))
      .end(200);
    expect(deploymentsComplete.check(h)).toEqual([]);
  });

  it('fails when the app is absent from the final model', () => {
    const h = history()
      .at(10, invoke(1, 'wp', 2))
      .at(50, report('ok', 1))
      .at(100, final(view({})))
      .end(200);
    expect(deploymentsComplete.check(h)).toEqual([
      {
        property: 'deployments-complete',
        t: 100,
        client: 'client-0',
        message: 'deploy wp -n 2 (client-0 op 1): app wp absent from the final model',
      },
    ]);
  });

  it('fails when units are missing or not active, listing their statuses', () => {
    const tooFew = history()
      .at(10, invoke(1, 'wp', 3))
      .at(50, report('ok', 1))
      .at(100, final(view({ wp: { 'wp/0': 'active', 'wp/1': 'active' } })))
      .end(200);
    const notActive = history()
      .at(10, invoke(1, 'wp', 2))
      .at(50, report('ok', 1))
      .at(100, final(view({ wp: { 'wp/0': 'active', 'wp/1': 'maintenance', 'wp/2': 'error' } })))
      .end(200);
    expect(messages(deploymentsComplete.check(tooFew))).toEqual([
      'deploy wp -n 3 (client-0 op 1): 2 of 3 units active [wp/0 active, wp/1 active]',
    ]);
    expect(messages(deploymentsComplete.check(notActive))).toEqual([
      'deploy wp -n 2 (client-0 op 1): 1 of 3 units active [wp/0 active, wp/1 maintenance, wp/2 error]',
    ]);
  });

  describe('a deadline the controller came up too late for', () => {
    // resumeDeadlineMs is 1000 (build.ts): the allowance a client has to recover once the controller is up
    const bootstrap = (): HistoryBody => ({ type: 'bootstrap', version: '3.6.0', desired: '3.6.0' });
    const deadlineCut = (bootstrapAt: number) =>
      history()
        .at(10, invoke(1, 'wp', 1))
        .at(bootstrapAt, bootstrap())
        .at(9000, report('fail', 1, 'deadline exceeded (9000 ms)'))
        .at(9500, final(view({})))
        .end(9600);

    it('does not blame a client whose deadline ran out less than one resume deadline after a bootstrap that followed its deploy', () => {
      // launched at t=10 with a 9 s deadline, the controller bootstrapped 0.6 s before it ran out
      expect(deploymentsComplete.check(deadlineCut(8400))).toEqual([]);
    });

    it('still fails a client that had the controller up for a resume deadline or more and missed its deadline', () => {
      const fair = [
        'deploy wp -n 1 (client-0 op 1): app wp absent from the final model',
        'deploy wp -n 1 (client-0 op 1): client reported fail: deadline exceeded (9000 ms)',
      ];
      expect(messages(deploymentsComplete.check(deadlineCut(8000)))).toEqual(fair);
      // the controller was up before the deploy: its whole deadline was the client's, however short
      const upFirst = history()
        .at(5, bootstrap())
        .at(8600, invoke(1, 'wp', 1))
        .at(9000, report('fail', 1, 'deadline exceeded (9000 ms)'))
        .at(9500, final(view({})))
        .end(9600);
      expect(messages(deploymentsComplete.check(upFirst))).toEqual(fair);
    });

    const active: HistoryBody = { type: 'unit-status', unit: 'wp/0', agent: 'idle', workload: 'active' };
    /** The trial's python-libjuju plan (resume deadline 30 s, deadline cut at 90.6 s): the client
     *  partitioned from 20 s until `healAt`, its Deploy accepted at `acceptedAt`, its unit active at
     *  `activeAt` (the controller's hooks). */
    const partitioned = (healAt: number, acceptedAt: number, activeAt: number) =>
      history({ resumeDeadlineMs: 30_000 })
        .at(5, bootstrap())
        .at(10, invoke(1, 'wp', 1))
        .at(20_000, { type: 'fault-start', fault: 'partition', client: 'client-0' })
        .at(healAt, { type: 'fault-end', fault: 'partition', client: 'client-0' })
        .at(acceptedAt, deployAccepted)
        .at(activeAt, active)
        .at(90_600, report('fail', 1, 'deadline exceeded (90000 ms)'))
        .at(95_000, final(view({ wp: { 'wp/0': 'active' } })))
        .end(96_000);
    const cut = ['deploy wp -n 1 (client-0 op 1): client reported fail: deadline exceeded (90000 ms)'];

    it('does not blame a client the plan held away until too little was left', () => {
      // healed at 57.4 s, back at 57.7 s, the hooks had the unit active only at 87.5 s: 3.1 s left
      expect(deploymentsComplete.check(partitioned(57_400, 57_700, 87_500))).toEqual([]);
      // healed at 61 s: less than a resume deadline left, whatever the client did
      expect(deploymentsComplete.check(partitioned(61_000, 89_000, 89_500))).toEqual([]);
    });

    it('still fails a client that had its units active long enough before the deadline, or came back late', () => {
      // active at 70 s: 20 s to hear it, the client was hung
      expect(messages(deploymentsComplete.check(partitioned(57_400, 57_700, 70_000)))).toEqual(cut);
      // healed at 30 s, its Deploy accepted only at 80 s: its own delay made its units late
      expect(messages(deploymentsComplete.check(partitioned(30_000, 80_000, 87_500)))).toEqual(cut);
      // another client's partition takes nothing from this one
      const other = history({ resumeDeadlineMs: 30_000 })
        .at(5, bootstrap())
        .at(10, invoke(1, 'wp', 1))
        .at(20_000, { type: 'fault-start', fault: 'partition', client: 'client-1' })
        .at(57_700, deployAccepted)
        .at(87_500, active)
        .at(88_000, { type: 'fault-end', fault: 'partition', client: 'client-1' })
        .at(90_600, report('fail', 1, 'deadline exceeded (90000 ms)'))
        .at(95_000, final(view({ wp: { 'wp/0': 'active' } })))
        .end(96_000);
      expect(messages(deploymentsComplete.check(other))).toEqual(cut);
    });
  });

  it('fails when the client reported fail or info, or never reported, each at its time', () => {
    const model = final(view({ a: { 'a/0': 'active' }, b: { 'b/0': 'active' }, c: { 'c/0': 'active' } }));
    const h = history()
      .at(10, invoke(1, 'a', 1), invoke(2, 'b', 1), invoke(3, 'c', 1))
      .at(50, report('fail', 1, 'upgrade in progress'), report('info', 2))
      .at(100, model)
      .end(200);
    const v = deploymentsComplete.check(h);
    expect(v.map((x) => x.t)).toEqual([50, 50, 200]);
    expect(messages(v)).toEqual([
      'deploy a -n 1 (client-0 op 1): client reported fail: upgrade in progress',
      'deploy b -n 1 (client-0 op 2): client reported info (outcome unknown)',
      'deploy c -n 1 (client-0 op 3): client never reported',
    ]);
  });

  it("matches reports by client and op: another client's ok does not count", () => {
    const h = history()
      .at(10, invoke(1, 'wp', 1))
      .at(50, report('ok', 1, undefined, 'client-1'))
      .at(100, final(view({ wp: { 'wp/0': 'active' } })))
      .end(200);
    expect(messages(deploymentsComplete.check(h))).toEqual(['deploy wp -n 1 (client-0 op 1): client never reported']);
  });

  it('reports the model and the client separately for one invoke', () => {
    const h = history()
      .at(10, invoke(1, 'wp', 1))
      .at(50, report('fail', 1, 'connection closed'))
      .at(100, final(view({})))
      .end(200);
    expect(deploymentsComplete.check(h)).toHaveLength(2);
  });

  it('judges only the client report when there is no final model', () => {
    const ok = history()
      .at(10, invoke(1, 'wp', 1))
      .at(50, report('ok', 1))
      .end(200);
    const silent = history()
      .at(10, invoke(1, 'wp', 1))
      .end(200);
    expect(deploymentsComplete.check(ok)).toEqual([]);
    expect(messages(deploymentsComplete.check(silent))).toEqual([
      'deploy wp -n 1 (client-0 op 1): client never reported',
    ]);
  });

  describe('done only once active: a client may not report a deploy done before the controller shows its units active', () => {
    const unit = (
      name: string,
      workload: string,
      agent = workload === 'active' ? 'idle' : 'executing',
    ): HistoryBody => ({
      type: 'unit-status',
      unit: name,
      workload,
      agent,
    });
    const activeAtEnd = final(view({ wp: { 'wp/0': 'active', 'wp/1': 'active' } }));

    it('holds when every unit was active before the report, even if one changed again before it', () => {
      const h = history()
        .at(
          10,
          invoke(1, 'wp', 2),
          deployAccepted,
          unit('wp/0', 'waiting', 'allocating'),
          unit('wp/1', 'waiting', 'allocating'),
        )
        .at(12, unit('wp/0', 'maintenance'), unit('wp/1', 'maintenance'))
        .at(30, unit('wp/0', 'active'))
        .at(40, unit('wp/1', 'active'))
        .at(45, unit('wp/1', 'maintenance')) // a later hook (or an upgrade) after the client's watcher saw them active
        .at(50, report('ok', 1))
        .at(60, unit('wp/1', 'active'))
        .at(100, activeAtEnd)
        .end(200);
      expect(deploymentsComplete.check(h)).toEqual([]);
    });

    it('fails a report made when the deploy was accepted, the units still installing, at the report', () => {
      const h = history()
        .at(
          10,
          invoke(1, 'wp', 2),
          deployAccepted,
          unit('wp/0', 'waiting', 'allocating'),
          unit('wp/1', 'waiting', 'allocating'),
        )
        .at(12, unit('wp/0', 'maintenance'), unit('wp/1', 'maintenance'))
        .at(20, report('ok', 1))
        .at(30, unit('wp/0', 'active'), unit('wp/1', 'active'))
        .at(100, activeAtEnd)
        .end(200);
      expect(deploymentsComplete.check(h)).toEqual([
        {
          property: 'deployments-complete',
          t: 20,
          client: 'client-0',
          message:
            'deploy wp -n 2 (client-0 op 1): client reported done at t=20ms, before the controller had 2 units of wp active (never since the deploy at t=10ms): at the report it held wp/0 maintenance, wp/1 maintenance; they were all active only at t=30ms',
          clientOnly: true, // nothing the controller does makes a client report early
        },
      ]);
    });

    it('fails a report when only some units were ever active at once, or too few existed', () => {
      // wp/0 was active and went back to maintenance before wp/1 became active: never both
      const apart = history()
        .at(10, invoke(1, 'wp', 2), unit('wp/0', 'waiting'), unit('wp/1', 'waiting'))
        .at(30, unit('wp/0', 'active'))
        .at(35, unit('wp/0', 'maintenance'))
        .at(40, unit('wp/1', 'active'))
        .at(50, report('ok', 1))
        .at(60, unit('wp/0', 'active'))
        .at(100, activeAtEnd)
        .end(200);
      const tooFew = history()
        .at(10, invoke(1, 'wp', 2), unit('wp/0', 'waiting'))
        .at(30, unit('wp/0', 'active'))
        .at(50, report('ok', 1))
        .at(60, unit('wp/1', 'waiting'), unit('wp/1', 'active'))
        .at(100, activeAtEnd)
        .end(200);
      expect(messages(deploymentsComplete.check(apart))).toEqual([
        'deploy wp -n 2 (client-0 op 1): client reported done at t=50ms, before the controller had 2 units of wp active (never since the deploy at t=10ms): at the report it held wp/0 maintenance, wp/1 active; they were all active only at t=60ms',
      ]);
      expect(messages(deploymentsComplete.check(tooFew))).toEqual([
        'deploy wp -n 2 (client-0 op 1): client reported done at t=50ms, before the controller had 2 units of wp active (never since the deploy at t=10ms): at the report it held wp/0 active; they were all active only at t=60ms',
      ]);
    });

    it('fails a report of a deploy the controller never created, once the controller is seen at all', () => {
      const refused: HistoryBody = { ...deployAccepted, accepted: false, error: 'upgrade in progress' };
      const h = history()
        .at(10, invoke(1, 'wp', 1), refused)
        .at(20, report('ok', 1))
        .end(200);
      expect(messages(deploymentsComplete.check(h))).toEqual([
        'deploy wp -n 1 (client-0 op 1): client reported done at t=20ms, before the controller had 1 unit of wp active (never since the deploy at t=10ms): at the report it held no unit of wp; they never were all active',
      ]);
      // without any controller-side record (an external controller) there is nothing to compare with
      const unseen = history()
        .at(10, invoke(1, 'wp', 1))
        .at(20, report('ok', 1))
        .end(200);
      expect(deploymentsComplete.check(unseen)).toEqual([]);
    });

    it('holds when the units were already active at the invoke (a deploy asked again), and counts the report at the same moment', () => {
      const again = history()
        .at(5, unit('wp/0', 'waiting'), unit('wp/0', 'active'))
        .at(10, invoke(1, 'wp', 1))
        .at(11, report('ok', 1))
        .at(100, final(view({ wp: { 'wp/0': 'active' } })))
        .end(200);
      const sameMoment = history()
        .at(10, invoke(1, 'wp', 1), unit('wp/0', 'waiting'))
        .at(30, unit('wp/0', 'active'), report('ok', 1))
        .at(100, final(view({ wp: { 'wp/0': 'active' } })))
        .end(200);
      expect(deploymentsComplete.check(again)).toEqual([]);
      expect(deploymentsComplete.check(sameMoment)).toEqual([]);
    });

    it('does not count units active before a removal: terminated units leave the app', () => {
      const h = history()
        .at(5, unit('wp/0', 'waiting'), unit('wp/0', 'active'))
        .at(8, unit('wp/0', 'terminated', 'idle'))
        .at(10, invoke(1, 'wp', 1), unit('wp/0', 'waiting'))
        .at(20, report('ok', 1))
        .at(30, unit('wp/0', 'active'))
        .at(100, final(view({ wp: { 'wp/0': 'active' } })))
        .end(200);
      expect(messages(deploymentsComplete.check(h))).toEqual([
        'deploy wp -n 1 (client-0 op 1): client reported done at t=20ms, before the controller had 1 unit of wp active (never since the deploy at t=10ms): at the report it held wp/0 waiting; they were all active only at t=30ms',
      ]);
    });

    it('exempts a deploy whose app a removal asked for by its report took back; judges one removed only later', () => {
      const removeWp: HistoryBody = { type: 'invoke', client: 'client-1', op: 1, f: 'remove', value: { app: 'wp' } };
      const removedWp: HistoryBody = { type: 'ok', client: 'client-1', op: 1, f: 'remove' };
      const takenBack = history()
        .at(10, invoke(1, 'wp', 1), unit('wp/0', 'waiting'))
        .at(15, removeWp)
        .at(16, unit('wp/0', 'terminated'), removedWp)
        .at(20, report('ok', 1))
        .at(100, final(view({})))
        .end(200);
      const removedLater = history()
        .at(10, invoke(1, 'wp', 1), unit('wp/0', 'waiting'))
        .at(20, report('ok', 1))
        .at(30, unit('wp/0', 'active'))
        .at(40, removeWp)
        .at(41, unit('wp/0', 'terminated'), removedWp)
        .at(100, final(view({})))
        .end(200);
      expect(deploymentsComplete.check(takenBack)).toEqual([]);
      expect(messages(deploymentsComplete.check(removedLater))).toHaveLength(1);
      expect(messages(deploymentsComplete.check(removedLater))[0]).toMatch(
        /client reported done at t=20ms, before the controller had 1 unit of wp active/,
      );
    });
  });

  describe("a client's removal of its own deployment", () => {
    const remove = (op: number, app: string, client = 'client-0'): HistoryBody => ({
      type: 'invoke',
      client,
      op,
      f: 'remove',
      value: { app },
    });
    const removed = (op: number, client = 'client-0'): HistoryBody => ({ type: 'ok', client, op, f: 'remove' });

    it('fails when it was reported done but the app is still in the final model', () => {
      // the removal overtook the deploy: "not found", taken as done, then the deploy went through
      const h = history()
        .at(10, invoke(1, 'wp', 1), remove(2, 'wp'))
        .at(20, removed(2), report('fail', 1, 'removed before it completed'))
        .at(100, final(view({ wp: { 'wp/0': 'active' } })))
        .end(200);
      expect(messages(deploymentsComplete.check(h))).toEqual([
        'remove wp (client-0 op 2): reported done, but wp is in the final model',
      ]);
    });

    it('fails a deploy its own client still reported pending once it heard its removal done, and only then', () => {
      // the removal went through, but the deploy it took back was left to its deadline
      const late = history()
        .at(10, invoke(1, 'wp', 1), remove(2, 'wp'))
        .at(20, removed(2))
        .at(21, report('fail', 3, 'a report made with it counts as made with it'))
        .at(30, { type: 'client-conn', client: 'client-0', conn: 1, state: 'closed' })
        .at(600, report('fail', 1, 'deadline exceeded'))
        .at(700, final(view({})))
        .end(800);
      expect(messages(deploymentsComplete.check(late))).toEqual([
        'deploy wp -n 1 (client-0 op 1): still pending when its own removal was reported done at t=20',
      ]);
      // its two reports disagree: the client's own doing, whatever the controller did
      expect(deploymentsComplete.check(late).map((v) => v.clientOnly)).toEqual([true]);
      // another client's removal: the deploying client may learn it only from its deadline
      const other = history()
        .at(10, invoke(1, 'wp', 1), remove(1, 'wp', 'client-1'))
        .at(20, removed(1, 'client-1'))
        .at(600, report('fail', 1, 'deadline exceeded'))
        .at(700, final(view({})))
        .end(800);
      expect(deploymentsComplete.check(other)).toEqual([]);
    });

    it('holds when the app is gone, when another client deployed it too, or when the client deployed it again after', () => {
      const gone = history()
        .at(10, invoke(1, 'wp', 1), remove(2, 'wp'))
        .at(50, report('ok', 1), removed(2))
        .at(100, final(view({})))
        .end(200);
      const race = history()
        .at(10, invoke(1, 'wp', 1, 'client-1'), remove(1, 'wp'))
        .at(20, removed(1))
        .at(50, report('ok', 1, undefined, 'client-1'))
        .at(100, final(view({ wp: { 'wp/0': 'active' } })))
        .end(200);
      const again = history()
        .at(10, remove(1, 'wp'), invoke(2, 'wp', 1))
        .at(20, removed(1))
        .at(50, report('ok', 2))
        .at(100, final(view({ wp: { 'wp/0': 'active' } })))
        .end(200);
      for (const h of [gone, race, again]) expect(deploymentsComplete.check(h)).toEqual([]);
    });
  });
});
