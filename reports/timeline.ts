/**
 * A history as a readable timeline: one line per record that says what the controller, each
 * client and the nemesis did. AllWatcher long polls are folded away unless they end badly.
 */
import { planReadingOf, type History, type HistoryRecord } from '../harness/history.ts';
import { describeEvent, formatMs, operatorApp, type PlanReading } from '../harness/plan.ts';
import { count } from '../harness/plural.ts';

function describe(r: HistoryRecord, reading: PlanReading): [actor: string, what: string] | undefined {
  switch (r.type) {
    case 'run-start':
      return ['run', `${r.scenario} on ${r.target}, sim seed ${r.seed}`];
    case 'event':
      return ['plan', `${describeEvent(r.event, reading)}${r.applied ? '' : ' (nothing to act on)'}`];
    case 'fault-start':
      if (r.fault === 'crash')
        return ['nemesis', r.graceful ? 'stop the controller (SIGTERM)' : 'kill the controller (SIGKILL)'];
      if (r.fault === 'slow')
        return ['nemesis', `slow ${r.client}'s link: every message ${formatMs(r.latencyMs)} later`];
      return ['nemesis', r.fault === 'pause' ? 'pause the controller (every process frozen)' : `partition ${r.client}`];
    case 'fault-end':
      if (r.fault === 'crash') return ['nemesis', 'start the controller again: it recovers from its state on disk'];
      if (r.fault === 'slow') return ['nemesis', `${r.client}'s link at its usual speed again`];
      return ['nemesis', r.fault === 'pause' ? 'resume the controller' : `heal ${r.client}`];
    case 'tie-wait':
      return [
        'run',
        `${count(r.armed, 'fault')} tied to client activity still armed: the plan goes on until they fire, ` +
          (r.availableMs === undefined
            ? `at most until ${formatMs(r.untilMs)}`
            : `for ${formatMs(r.availableMs)} of the controller available at most, until ${formatMs(r.untilMs)} at the latest`),
      ];
    case 'quiescence':
      return ['run', 'quiescence: faults healed, waiting for upgrades and clients to settle'];
    case 'quiet':
      return [
        'run',
        r.reached ? 'quiet: controller idle, clients settled' : 'NOT quiet by the deadlines: run cut short',
      ];
    case 'client-view':
      return [r.client, `final view${r.watching ? '' : ' (no live watcher)'}: ${viewText(r.view)}`];
    case 'final-model':
      return ['controller', `final model at ${r.version}: ${viewText(r.model)}`];
    case 'run-end':
      return ['run', 'end'];
    case 'bootstrap':
      return [
        'controller',
        `bootstrapped at ${r.version}, agent-version ${r.desired}${r.available ? `, ${r.available} available` : ''}`,
      ];
    case 'upgrade-requested':
      return [
        'controller',
        `${r.explicit ? 'explicit' : 'implicit'} upgrade${r.requested ? ` to ${r.requested}` : ''}${r.chosen ? ` -> ${r.chosen}` : ''}${r.refused ? ` refused: ${r.refused}` : ''}`,
      ];
    case 'upgrade-pending':
      return ['controller', `upgrade pending ${r.from} -> ${r.to}`];
    case 'download':
      return ['controller', `download ${r.version} ${r.ok ? 'ok' : 'FAILED (will retry)'}`];
    case 'agent-down':
      return ['controller', `agent DOWN (${r.reason})`];
    case 'agent-up':
      return ['controller', `agent up at ${r.version}`];
    case 'version':
      return ['controller', `now running ${r.to} (was ${r.from})`];
    case 'upgrade-steps':
      return ['controller', `upgrade steps for ${r.version} running`];
    case 'upgrade-end':
      return ['controller', `upgrade to ${r.version} complete`];
    case 'conn-open':
      return ['controller', `conn ${r.conn} opened by ${r.client}`];
    case 'conn-refused':
      return ['controller', `dial of ${r.client} refused: the agent is down`];
    case 'conn-close':
      return ['controller', `conn ${r.conn} of ${r.client} closed (${r.reason})`];
    case 'login':
      return ['controller', `${r.client} login ${r.ok ? 'ok' : 'refused'}`];
    case 'request':
      if (r.facade === 'AllWatcher' && r.method === 'Next' && r.accepted) return undefined;
      if (r.accepted && r.charms) return ['controller', deployAnswered(r)];
      return [
        'controller',
        `${r.accepted ? 'accepted' : 'REFUSED'} ${r.facade}.${r.method} from ${r.client}${r.apps?.length ? ` (${r.apps.join(', ')})` : ''}${r.error ? `: ${r.error}` : ''}`,
      ];
    case 'watcher-start':
      return ['controller', `watcher ${r.watcher} started for ${r.client}`];
    case 'watcher-stop':
      return ['controller', `watcher ${r.watcher} of ${r.client} stopped (${r.reason})`];
    case 'hook-start':
      return ['controller', `hook ${r.hook} of ${r.unit} started`];
    case 'hook-end':
      return ['controller', `hook ${r.hook} of ${r.unit} ${r.result === 'ok' ? 'done' : 'INTERRUPTED'}`];
    case 'unit-status':
      return ['controller', `unit ${r.unit} ${r.workload} (agent ${r.agent})`];
    case 'invoke':
      return r.f === 'deploy'
        ? [r.client, `asked to deploy ${r.value.app} (${count(r.value.units, 'unit')}), op ${r.op}`]
        : [r.client, `asked to remove ${r.value.app}, op ${r.op}`];
    case 'ok':
      return [r.client, `op ${r.op} ${r.f} succeeded`];
    case 'fail':
      return [r.client, `op ${r.op} ${r.f} FAILED: ${r.error ?? ''}`];
    case 'info':
      return [r.client, `op ${r.op} ${r.f} indeterminate: ${r.error ?? ''}`];
    case 'call':
      if (r.longPoll) return undefined;
      return [r.client, `-> ${r.facade}.${r.method} (call ${r.call}, conn ${r.conn})`];
    case 'return':
      if (r.outcome === 'ok') return undefined;
      return [r.client, `<- call ${r.call} ${r.outcome}${r.error ? `: ${r.error}` : ''}`];
    case 'client-conn':
      return [r.client, `conn ${r.conn} ${r.state}`];
  }
}

/** A Deploy the controller answered: an application it refused ("already exists", a bad name) is an
 *  error inside an ok reply, so the request was not "accepted" for it. The record lists what was
 *  asked (`charms`) and what was created (`apps`). */
function deployAnswered(r: Extract<HistoryRecord, { type: 'request' }>): string {
  const created = r.apps ?? [];
  const refused = Object.keys(r.charms ?? {}).filter((app) => !created.includes(app));
  const call = `${r.facade}.${r.method} from ${r.client}`;
  if (refused.length === 0) return `accepted ${call}${created.length ? ` (${created.join(', ')})` : ''}`;
  const failed = `an error in the reply for ${refused.join(', ')}: not created`;
  return created.length === 0 ? `FAILED ${call}: ${failed}` : `accepted ${call} (${created.join(', ')}), but ${failed}`;
}

function viewText(view: { applications: Record<string, { units: Record<string, string> }> }): string {
  const apps = Object.entries(view.applications);
  if (apps.length === 0) return '(empty)';
  return apps
    .map(
      ([name, app]) =>
        `${name}[${Object.entries(app.units)
          .map(([u, s]) => `${u.split('/')[1]}:${s}`)
          .join(' ')}]`,
    )
    .join(' ');
}

/** The applications a record removes or asks to remove: a DestroyApplication the controller
 *  accepted, or a plan's remove (the operator's own application in a program's run). */
function removedApps(r: HistoryRecord, reading: PlanReading): readonly string[] | undefined {
  if (r.type === 'request' && r.method === 'DestroyApplication' && r.accepted) return r.apps;
  if (r.type === 'event' && r.event.kind === 'remove')
    return [reading.program ? operatorApp(r.event.app) : r.event.app];
  return undefined;
}

/** The applications a violation names ("ghost: app old-mysql", "app wordpress absent from the final
 *  model"): a removal of one of them may be what caused it. */
function appsNamed(message: string | undefined): Set<string> {
  return new Set([...(message ?? '').matchAll(/\bapp ([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
}

/** Lines alike but for their numbers (conn 16 closed, conn 17 closed, ...): a client that loops
 *  through reconnects writes dozens of them, which would push the cause out of view. */
function shape(line: { actor: string; what: string }): string {
  return `${line.actor} ${line.what.replace(/\d+/g, '#')}`;
}

/** Runs of at least MIN_RUN lines of one shape keep their first and last line, with a count between. */
const MIN_RUN = 4;

/** A timeline line, with the time of the (first) record it stands for, and what it removes. */
type Line = { t: number; text: string; removes?: readonly string[] | undefined };
type Described = { t: number; actor: string; what: string; removes?: readonly string[] | undefined };

function collapseRuns(lines: Described[]): Line[] {
  const out: Line[] = [];
  const text = (l: Described): Line => ({
    t: l.t,
    text: `  ${formatMs(l.t).padStart(9)}  ${l.actor.padEnd(10)}  ${l.what}`,
    removes: l.removes,
  });
  for (let i = 0; i < lines.length;) {
    let end = i + 1;
    while (end < lines.length && shape(lines[end]!) === shape(lines[i]!)) end++;
    if (end - i >= MIN_RUN) {
      const more = `  ${''.padStart(9)}  ${''.padEnd(10)}  ... ${end - i - 2} more like these ...`;
      out.push(text(lines[i]!), { t: lines[i]!.t, text: more }, text(lines[end - 1]!));
    } else for (let j = i; j < end; j++) out.push(text(lines[j]!));
    i = end;
  }
  return out;
}

export interface TimelineOptions {
  /** At most this many lines (default 80; Infinity: every line). */
  maxLines?: number;
  /** What a cut timeline keeps in view: the lines up to each moment a violation was decided (`t`),
   *  around the opening of its deadline's window (`since`), and the removals of the applications its
   *  message names (a ghost's cause may be far earlier), as far as they fit. */
  focus?: readonly { t: number; since?: number | undefined; message?: string }[];
  /** How to see every line, said where lines are left out (default: "see the failure file"). */
  fullHint?: string;
}

/** Lines kept of a cut timeline: before a focus moment, after it, and around a window's opening. */
const BEFORE_FOCUS = 18;
const AFTER_FOCUS = 4;
const AROUND_SINCE = 3;
/** Lines kept at the end (the final model and views), and at least at the start. */
const TAIL_LINES = 9;
const MIN_HEAD_LINES = 8;

export function formatTimeline(history: History, options: TimelineOptions | number = {}): string {
  const {
    maxLines = 80,
    focus = [],
    fullHint = 'see the failure file',
  } = typeof options === 'number' ? { maxLines: options } : options;
  const reading = planReadingOf(history);
  const described: Described[] = [];
  for (const r of history) {
    const d = describe(r, reading);
    if (d) described.push({ t: r.t, actor: d[0], what: d[1], removes: removedApps(r, reading) });
  }
  const lines = collapseRuns(described);
  if (lines.length <= maxLines) return lines.map((l) => l.text).join('\n');
  const kept = keptLines(lines, maxLines, focus);
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (kept.has(i)) {
      out.push(lines[i++]!.text);
      continue;
    }
    let end = i;
    while (end < lines.length && !kept.has(end)) end++;
    out.push(`  ... ${count(end - i, 'more line')} (${fullHint}) ...`);
    i = end;
  }
  return out.join('\n');
}

/**
 * Which lines of a timeline too long to print whole are printed (about maxLines of them): a few at
 * the start, the lines that explain each focus moment (the violation: what led up to it, and the
 * opening of its window), the end, then as many more from the start as fit.
 */
function keptLines(lines: readonly Line[], maxLines: number, focus: TimelineOptions['focus'] = []): Set<number> {
  const kept = new Set<number>();
  const keep = (from: number, to: number): void => {
    for (let i = Math.max(0, from); i <= Math.min(lines.length - 1, to); i++) kept.add(i);
  };
  keep(0, MIN_HEAD_LINES - 1);
  keep(lines.length - TAIL_LINES, lines.length - 1);
  // Each gap left out takes a line of its own (the next window's two, at most, and the last one).
  const windowLines = BEFORE_FOCUS + AFTER_FOCUS + 1 + 2 * AROUND_SINCE + 1 + 3;
  for (const { t, since, message } of [...focus].sort((a, b) => a.t - b.t)) {
    if (kept.size + gaps(kept, lines.length) + windowLines > maxLines) break;
    const decided = lastAtOrBefore(lines, t);
    keep(decided - BEFORE_FOCUS, decided + AFTER_FOCUS);
    if (since !== undefined && since < t) {
      const opened = lastAtOrBefore(lines, since);
      keep(opened - AROUND_SINCE, opened + AROUND_SINCE);
    }
    const named = appsNamed(message);
    // Gaps are counted only at a line to keep (kept does not change in between): counting at every
    // line made a long history's cut timeline quadratic.
    for (const [i, line] of lines.entries()) {
      if (i > decided) break;
      if (!line.removes?.some((app) => named.has(app))) continue;
      if (kept.size + gaps(kept, lines.length) + 2 > maxLines) break;
      kept.add(i);
    }
  }
  for (let i = 0; kept.size + gaps(kept, lines.length) < maxLines && i < lines.length; i++) kept.add(i);
  return kept;
}

/** The index of the last line at or before time t (the first line if none is). */
function lastAtOrBefore(lines: readonly Line[], t: number): number {
  let found = 0;
  for (let i = 0; i < lines.length && lines[i]!.t <= t; i++) found = i;
  return found;
}

/** How many runs of left-out lines there are (each is printed as one line). */
function gaps(kept: ReadonlySet<number>, length: number): number {
  let n = 0;
  for (let i = 0; i < length; i++) if (!kept.has(i) && (i === 0 || kept.has(i - 1))) n++;
  return n;
}
