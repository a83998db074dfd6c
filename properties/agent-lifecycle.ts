import type { History, HistoryRecord, RecordOf } from '../harness/history.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';

const NAME = 'agent-lifecycle';

/**
 * agent-lifecycle (a restart is a restart): nothing is accepted while the controller's agent is
 * down, and no connection outlives an agent restart. Read from controller-side records only:
 *
 * - The agent is down from an `agent-down` record until the next `agent-up`.
 * - While it is down, each of these is a violation: a `conn-open`, an ok `login`, an accepted
 *   `request`, a `watcher-start` (nothing listens, so nothing can be accepted).
 * - Every connection open at an `agent-down` must be closed (`conn-close`, any reason) before the
 *   next `agent-up`; one still open at that `agent-up` outlived the restart: a violation at the
 *   agent-up, naming the connection and its client. A history that ends with the agent down
 *   judges what it holds so far.
 *
 * - The agent comes up only after going down: an `agent-up` with no `agent-down` since the last
 *   one (or since bootstrap, where the agent starts up) is a violation. A controller that comes
 *   back after a crash records the agent down first (reason `crash`).
 *
 * - A unit agent runs one hook at a time and every hook ends once: a `hook-start` of a unit whose
 *   previous hook has not ended (`hook-end`, any result), and a `hook-end` that ends no running
 *   hook of that unit and name, are violations. No hook outlives an agent restart: a hook running
 *   at an `agent-down` that has not ended by the next `agent-up` is a violation at the agent-up
 *   (the restart, or the crash, took its process: the controller must say it was interrupted).
 *   A hook still running when the history ends is not judged (the run may have been cut short).
 *
 * - Unit agents go with their units: once an accepted `request` Application.DestroyApplication
 *   names an application in `apps`, a `hook-start` or an ok `hook-end` of one of its units (named
 *   `app/N`) is a violation, until an accepted Deploy names the application again. A hook the
 *   agent interrupts may still end (`hook-end` interrupted): that is the agent stopping.
 *
 * - A unit is active only once its agent has run its hooks: a `unit-status` with workload 'active'
 *   for a unit whose `start` hook has not ended ok since the unit was created (a unit `terminated`
 *   and created again starts over) is a violation. Deploys are judged done by the controller's
 *   'active' (deployments-complete, and every client that waits for it), so a controller that says
 *   active after the install hook lets a deployment look done while its service is not started.
 *
 * One violation per offending record or surviving connection. Without controller-side records (an
 * external controller) the property cannot judge: unknown.
 */
export const agentLifecycle: Property = {
  name: NAME,
  summary:
    'nothing is accepted while the agent is down, no connection or hook outlives an agent restart, a unit agent runs one hook at a time and sets its unit active only once its start hook ran, and no unit agent outlives its application',
  cannotJudge: (history) => HistoryIndex.of(history).controllerUnseen,
  check(history: History): Violation[] {
    // Each rule its own fold over the records it reads; their violations in the order the rules are listed.
    const index = HistoryIndex.of(history);
    const restarts = new Restarts();
    for (const r of index.select(Restarts.READS)) restarts.observe(r);
    const hooks = new HookRuns();
    for (const r of index.select(HookRuns.READS)) hooks.observe(r);
    const starts = new StartedUnits();
    for (const r of index.select(StartedUnits.READS)) starts.observe(r);
    const removals = new RemovedApps();
    for (const r of index.select(RemovedApps.READS)) removals.observe(r);
    const violations: Violation[] = [];
    const add = (t: number, message: string, client?: string): void => {
      violations.push({ property: NAME, t, message, ...(client !== undefined ? { client } : {}) });
    };
    for (const v of restarts.out) add(v.t, v.message, v.client);
    for (const v of hooks.out) add(v.t, v.message);
    for (const r of starts.out)
      add(r.t, `unit ${r.unit} set active before its start hook ended ok (its agent had not run its hooks)`);
    for (const [r, removedAt] of removals.out)
      add(
        r.t,
        `hook ${r.hook} of ${r.unit} ${r.type === 'hook-start' ? 'started' : 'ended'} after its application was removed at t=${removedAt}`,
      );
    return violations;
  },
};

interface Found {
  t: number;
  message: string;
  client?: string | undefined;
}

/** Work accepted while the agent was down, and connections that outlive an agent restart. */
class Restarts {
  static readonly READS = new Selection([
    'agent-down',
    'agent-up',
    'conn-open',
    'conn-close',
    // work the controller may accept (acceptedWork)
    'login',
    'request',
    'watcher-start',
  ]);
  readonly out: Found[] = [];
  private readonly open = new Map<number, string>(); // conn -> client
  private down: { t: number; reason: string; conns: Set<number> } | undefined;

  observe(r: HistoryRecord): void {
    const down = this.down;
    switch (r.type) {
      case 'agent-down':
        this.down ??= { t: r.t, reason: r.reason, conns: new Set(this.open.keys()) };
        break;
      case 'agent-up':
        if (!down) this.add(r.t, `agent-up at ${r.version} with no agent-down before it: the agent was not down`);
        for (const conn of down?.conns ?? []) {
          const client = this.open.get(conn);
          if (client === undefined) continue;
          this.add(
            r.t,
            `conn ${conn} of ${client} outlived the agent restart (${down!.reason}) at t=${down!.t}`,
            client,
          );
        }
        this.down = undefined;
        break;
      case 'conn-close':
        this.open.delete(r.conn);
        break;
      case 'conn-open':
        this.open.set(r.conn, r.client);
        if (down) this.add(r.t, `conn ${r.conn} of ${r.client} opened while the agent was down`, r.client);
        break;
      default:
        if (down && acceptedWork(r)) this.add(r.t, `${describe(r)} accepted while the agent was down`, clientOf(r));
    }
  }

  private add(t: number, message: string, client?: string): void {
    this.out.push({ t, message, client });
  }
}

/** Hooks that start over a running one, end without running, or outlive an agent restart. */
class HookRuns {
  static readonly READS = new Selection(['hook-start', 'hook-end', 'agent-down', 'agent-up']);
  readonly out: Found[] = [];
  private readonly running = new Map<string, RecordOf<'hook-start'>>(); // unit -> its hook's start
  private atDown: { t: number; reason: string; hooks: RecordOf<'hook-start'>[] } | undefined;

  observe(r: HistoryRecord): void {
    const running = this.running;
    if (r.type === 'hook-start') {
      const before = running.get(r.unit);
      if (before)
        this.out.push({
          t: r.t,
          message: `hook ${r.hook} of ${r.unit} started while its hook ${before.hook} from t=${before.t} ran`,
        });
      running.set(r.unit, r);
    } else if (r.type === 'hook-end') {
      if (running.get(r.unit)?.hook === r.hook) running.delete(r.unit);
      else this.out.push({ t: r.t, message: `hook ${r.hook} of ${r.unit} ended (${r.result}) but was not running` });
    } else if (r.type === 'agent-down') {
      this.atDown ??= { t: r.t, reason: r.reason, hooks: [...running.values()] };
    } else if (r.type === 'agent-up') {
      const atDown = this.atDown;
      for (const start of atDown?.hooks ?? [])
        if (running.get(start.unit) === start)
          this.out.push({
            t: r.t,
            message: `hook ${start.hook} of ${start.unit} from t=${start.t} outlived the agent restart (${atDown!.reason}) at t=${atDown!.t}`,
          });
      this.atDown = undefined;
    }
  }
}

/** The `unit-status` records that say active for a unit whose start hook has not ended ok since it was created. */
class StartedUnits {
  static readonly READS = new Selection(['hook-end', 'unit-status']);
  readonly out: RecordOf<'unit-status'>[] = [];
  private readonly started = new Set<string>(); // units whose start hook ended ok

  observe(r: HistoryRecord): void {
    if (r.type === 'hook-end' && r.hook === 'start' && r.result === 'ok') this.started.add(r.unit);
    else if (r.type === 'unit-status') {
      if (r.workload === 'terminated') this.started.delete(r.unit);
      else if (r.workload === 'active' && !this.started.has(r.unit)) this.out.push(r);
    }
  }
}

/** The hooks that started or ended ok for a unit of an application removed before, with when it
 *  was removed. Our controller records a Deploy's request before the hooks it starts; one that
 *  records it after them at the same instant is forgiven too: hooks at the very instant of a
 *  Deploy that names their application again are that deploy's. */
class RemovedApps {
  static readonly READS = new Selection(['request', 'hook-start', 'hook-end'], { applicationRequestsOnly: true });
  readonly out: [RecordOf<'hook-start' | 'hook-end'>, number][] = [];
  private readonly removed = new Map<string, number>(); // application -> when it was removed

  observe(r: HistoryRecord): void {
    const out = this.out;
    if (r.type === 'request' && r.accepted && r.facade === 'Application') {
      for (const app of r.apps ?? []) {
        if (r.method === 'DestroyApplication') this.removed.set(app, r.t);
        else {
          this.removed.delete(app);
          for (let i = out.length - 1; i >= 0 && out[i]![0].t === r.t; i--)
            if (appOf(out[i]![0].unit) === app) out.splice(i, 1);
        }
      }
    } else if (r.type === 'hook-start' || (r.type === 'hook-end' && r.result === 'ok')) {
      if (this.removed.size === 0) return;
      const at = this.removed.get(appOf(r.unit));
      if (at !== undefined) out.push([r, at]);
    }
  }
}

function appOf(unit: string): string {
  return unit.slice(0, unit.lastIndexOf('/'));
}

/** A login, request or watcher the controller accepted. */
function acceptedWork(r: HistoryRecord): boolean {
  return (r.type === 'login' && r.ok) || (r.type === 'request' && r.accepted) || r.type === 'watcher-start';
}

function describe(r: HistoryRecord): string {
  if (r.type === 'request') return `${r.facade}.${r.method} from ${r.client} (conn ${r.conn})`;
  if (r.type === 'login') return `login of ${r.client} (conn ${r.conn})`;
  if (r.type === 'watcher-start') return `watcher ${r.watcher} of ${r.client} (conn ${r.conn})`;
  return r.type;
}

function clientOf(r: HistoryRecord): string | undefined {
  return 'client' in r && typeof r.client === 'string' ? r.client : undefined;
}
