/**
 * A failing run's history drawn as an SVG timeline: one lane for the controller and one per client.
 * Upgrade windows (pending to complete) and agent restarts are shaded across every lane; each
 * client's deploy requests are bars from invoke to ok (green), fail (red) or info (amber, outcome
 * unknown); RPC calls are thin bars under them; partitions are hatched on the client's lane and
 * dropped connections marked with a cross; the violations are red lines with their message as a
 * tooltip. Pure: a string from the history.
 */
import type { History, HistoryRecord, RecordOf } from '../harness/history.ts';
import { formatMs } from '../harness/plan.ts';
import type { Violation } from '../properties/property.ts';
import { escapeXml as esc } from './xml.ts';

const WIDTH = 1000;
const LEFT = 110;
const RIGHT = 20;
const LANE = 44;
const TOP = 24;

interface Span {
  from: number;
  to: number;
}

export function svgTimeline(
  history: History,
  violations: readonly Pick<Violation, 't' | 'message' | 'client'>[],
  id: string,
): string {
  const lanes = ['controller', ...clientsOf(history)];
  const end = Math.max(1, ...history.map((r) => r.t), ...violations.map((v) => v.t));
  const x = (t: number): number => LEFT + (t / end) * (WIDTH - LEFT - RIGHT);
  const y = (lane: string): number => TOP + Math.max(0, lanes.indexOf(lane)) * LANE;
  const height = TOP + lanes.length * LANE + 24;
  const parts: string[] = [];
  parts.push(...lanes.map((lane) => laneBackground(lane, y(lane))));
  parts.push(...windows(history, 'upgrade').map((w) => shade(w, x, height, 'upgrade-window', 'upgrade')));
  parts.push(...windows(history, 'restart').map((w) => shade(w, x, height, 'restart-window', 'agent restart')));
  parts.push(...windows(history, 'pause').map((w) => shade(w, x, height, 'pause-window', 'controller paused')));
  parts.push(...clientFaults(history, 'partition').map(({ client, span }) => partitionBand(span, x, y(client))));
  parts.push(...clientFaults(history, 'slow').map(({ client, span }) => slowBand(span, x, y(client))));
  parts.push(...requests(history).map((r) => requestBar(r, x, y(r.client))));
  parts.push(...calls(history).map((c) => callBar(c, x, y(c.client))));
  parts.push(...disconnects(history).map((d) => disconnectMark(d, x, y(d.client))));
  parts.push(...controllerMarks(history).map((m) => controllerMark(m, x, y('controller'))));
  parts.push(...violations.map((v) => violationMark(v, x, y(v.client ?? 'controller'))));
  parts.push(axis(end, x, height - 18));
  return (
    `<svg class="timeline" data-failure="${esc(id)}" xmlns="http://www.w3.org/2000/svg" ` +
    `viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" ` +
    `aria-label="timeline of ${esc(id)}">\n${parts.join('\n')}\n</svg>`
  );
}

function clientsOf(history: History): string[] {
  const start = history.find((r): r is RecordOf<'run-start'> => r.type === 'run-start');
  if (start) return start.params.clients;
  return [...new Set(history.flatMap((r) => ('client' in r && typeof r.client === 'string' ? [r.client] : [])))];
}

function laneBackground(lane: string, y: number): string {
  return (
    `<g class="lane" data-lane="${esc(lane)}"><rect x="0" y="${y}" width="${WIDTH}" height="${LANE - 4}" fill="#f6f8fa"/>` +
    `<text x="8" y="${y + 24}" font-size="13" font-family="sans-serif">${esc(lane)}</text></g>`
  );
}

/** Upgrade windows: from upgrade-pending to upgrade-end; restarts: agent-down (restart) to agent-up;
 *  pauses: the controller's fault-start (pause) to its fault-end. */
function windows(history: History, kind: 'upgrade' | 'restart' | 'pause'): Span[] {
  const spans: Span[] = [];
  let open: number | undefined;
  const last = history.at(-1)?.t ?? 0;
  for (const r of history) {
    if (kind === 'upgrade' && r.type === 'upgrade-pending') open ??= r.t;
    if (kind === 'upgrade' && r.type === 'upgrade-end' && open !== undefined) {
      spans.push({ from: open, to: r.t });
      open = undefined;
    }
    if (kind === 'restart' && r.type === 'agent-down' && r.reason === 'restart') open ??= r.t;
    if (kind === 'pause' && r.type === 'fault-start' && r.fault === 'pause') open ??= r.t;
    if (kind === 'pause' && r.type === 'fault-end' && r.fault === 'pause' && open !== undefined) {
      spans.push({ from: open, to: r.t });
      open = undefined;
    }
    if (kind === 'restart' && r.type === 'agent-up' && open !== undefined) {
      spans.push({ from: open, to: r.t });
      open = undefined;
    }
  }
  if (open !== undefined) spans.push({ from: open, to: last });
  return spans;
}

function shade(w: Span, x: (t: number) => number, height: number, cls: string, label: string): string {
  const width = Math.max(2, x(w.to) - x(w.from));
  const fill = cls === 'upgrade-window' ? '#fff1b8' : cls === 'pause-window' ? '#ffd8a8' : '#e5dbff';
  return (
    `<rect class="${cls}" x="${x(w.from).toFixed(1)}" y="${TOP - 6}" width="${width.toFixed(1)}" height="${height - TOP - 12}" fill="${fill}" opacity="0.7">` +
    `<title>${label} ${formatMs(w.from)} – ${formatMs(w.to)}</title></rect>`
  );
}

/** Each client's partitions, or its slow links' windows (plan.ts `slow`). */
function clientFaults(history: History, fault: 'partition' | 'slow'): { client: string; span: Span }[] {
  const open = new Map<string, number>();
  const out: { client: string; span: Span }[] = [];
  for (const r of history) {
    if (r.type === 'fault-start' && r.fault === fault) open.set(r.client, r.t);
    if (r.type === 'fault-end' && r.fault === fault && open.has(r.client)) {
      out.push({ client: r.client, span: { from: open.get(r.client)!, to: r.t } });
      open.delete(r.client);
    }
  }
  const last = history.at(-1)?.t ?? 0;
  for (const [client, from] of open) out.push({ client, span: { from, to: last } });
  return out;
}

function partitionBand(span: Span, x: (t: number) => number, y: number): string {
  const width = Math.max(2, x(span.to) - x(span.from));
  return (
    `<rect class="partition" x="${x(span.from).toFixed(1)}" y="${y + 1}" width="${width.toFixed(1)}" height="6" fill="#868e96">` +
    `<title>partitioned ${formatMs(span.from)} – ${formatMs(span.to)}</title></rect>`
  );
}

function slowBand(span: Span, x: (t: number) => number, y: number): string {
  const width = Math.max(2, x(span.to) - x(span.from));
  return (
    `<rect class="slow" x="${x(span.from).toFixed(1)}" y="${y + 1}" width="${width.toFixed(1)}" height="6" fill="#b197fc">` +
    `<title>slow link ${formatMs(span.from)} – ${formatMs(span.to)}</title></rect>`
  );
}

type Request = {
  client: string;
  op: number;
  app: string;
  from: number;
  to: number;
  outcome: 'ok' | 'fail' | 'info' | 'open';
};

/** Client operations: invoke matched to its ok / fail / info by client and op number. */
function requests(history: History): Request[] {
  const open = new Map<string, Request>();
  const done: Request[] = [];
  for (const r of history) {
    if (r.type === 'invoke')
      open.set(`${r.client} ${r.op}`, {
        client: r.client,
        op: r.op,
        app: r.value.app,
        from: r.t,
        to: r.t,
        outcome: 'open',
      });
    if (r.type === 'ok' || r.type === 'fail' || r.type === 'info') {
      const req = open.get(`${r.client} ${r.op}`);
      if (!req) continue;
      open.delete(`${r.client} ${r.op}`);
      done.push({ ...req, to: r.t, outcome: r.type });
    }
  }
  const last = history.at(-1)?.t ?? 0;
  return [...done, ...[...open.values()].map((r) => ({ ...r, to: last }))];
}

const OUTCOME_FILL = { ok: '#2f9e44', fail: '#e03131', info: '#f08c00', open: '#adb5bd' };

function requestBar(r: Request, x: (t: number) => number, y: number): string {
  const width = Math.max(3, x(r.to) - x(r.from));
  return (
    `<rect class="request ${r.outcome}" x="${x(r.from).toFixed(1)}" y="${y + 10}" width="${width.toFixed(1)}" height="12" rx="2" fill="${OUTCOME_FILL[r.outcome]}">` +
    `<title>deploy ${esc(r.app)} (op ${r.op}): ${r.outcome}, ${formatMs(r.from)} – ${formatMs(r.to)}</title></rect>`
  );
}

type Call = { client: string; label: string; from: number; to: number; outcome: string };

function calls(history: History): Call[] {
  const open = new Map<string, RecordOf<'call'>>();
  const out: Call[] = [];
  for (const r of history) {
    if (r.type === 'call' && !r.longPoll) open.set(`${r.client} ${r.call}`, r);
    if (r.type === 'return') {
      const call = open.get(`${r.client} ${r.call}`);
      if (!call) continue;
      open.delete(`${r.client} ${r.call}`);
      out.push({ client: r.client, label: `${call.facade}.${call.method}`, from: call.t, to: r.t, outcome: r.outcome });
    }
  }
  return out;
}

function callBar(c: Call, x: (t: number) => number, y: number): string {
  const width = Math.max(1.5, x(c.to) - x(c.from));
  const fill = c.outcome === 'ok' ? '#4dabf7' : '#e03131';
  return (
    `<rect class="call" x="${x(c.from).toFixed(1)}" y="${y + 26}" width="${width.toFixed(1)}" height="5" fill="${fill}">` +
    `<title>${esc(c.label)}: ${c.outcome}, ${formatMs(c.from)} – ${formatMs(c.to)}</title></rect>`
  );
}

function disconnects(history: History): RecordOf<'conn-close'>[] {
  return history.filter((r): r is RecordOf<'conn-close'> => r.type === 'conn-close' && r.reason !== 'client');
}

function disconnectMark(r: RecordOf<'conn-close'>, x: (t: number) => number, y: number): string {
  const cx = x(r.t);
  return (
    `<g class="disconnect"><path d="M${(cx - 4).toFixed(1)},${y + 32} l8,8 m0,-8 l-8,8" stroke="#212529" stroke-width="2"/>` +
    `<title>connection ${r.conn} dropped (${r.reason}) at ${formatMs(r.t)}</title></g>`
  );
}

type Mark = { t: number; label: string; cls: string };

function controllerMarks(history: History): Mark[] {
  const marks: Mark[] = [];
  for (const r of history) {
    const label = controllerLabel(r);
    if (label) marks.push({ t: r.t, label, cls: r.type });
  }
  return marks;
}

function controllerLabel(r: HistoryRecord): string | undefined {
  switch (r.type) {
    case 'bootstrap':
      return `bootstrap at ${r.version}`;
    case 'version':
      return `now ${r.to}`;
    case 'agent-down':
      return `agent down (${r.reason})`;
    case 'agent-up':
      return `agent up at ${r.version}`;
    case 'upgrade-requested':
      return `${r.explicit ? 'explicit' : 'implicit'} upgrade${r.chosen ? ` to ${r.chosen}` : ''}${r.refused ? ' refused' : ''}`;
    case 'request':
      return r.accepted && !(r.facade === 'AllWatcher') ? `accepted ${r.facade}.${r.method}` : undefined;
    case 'hook-start':
      return `hook ${r.hook} of ${r.unit}`;
    case 'unit-status':
      // When a unit became active (or failed) is what a deploy's report is judged against.
      return r.workload === 'active' || r.workload === 'error' ? `unit ${r.unit} ${r.workload}` : undefined;
    default:
      return undefined;
  }
}

function controllerMark(m: Mark, x: (t: number) => number, y: number): string {
  return (
    `<circle class="mark ${m.cls}" cx="${x(m.t).toFixed(1)}" cy="${y + 16}" r="3.5" fill="#495057">` +
    `<title>${esc(m.label)} at ${formatMs(m.t)}</title></circle>`
  );
}

function violationMark(v: Pick<Violation, 't' | 'message'>, x: (t: number) => number, y: number): string {
  const cx = x(v.t).toFixed(1);
  return (
    `<g class="violation"><line x1="${cx}" y1="${y - 2}" x2="${cx}" y2="${y + LANE - 2}" stroke="#c92a2a" stroke-width="3"/>` +
    `<circle cx="${cx}" cy="${y + 4}" r="5" fill="#c92a2a"/><title>${esc(v.message)} (t=${formatMs(v.t)})</title></g>`
  );
}

function axis(end: number, x: (t: number) => number, y: number): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = Math.round(end * f);
    return `<text x="${x(t).toFixed(1)}" y="${y + 14}" font-size="11" text-anchor="middle" font-family="sans-serif">${formatMs(t)}</text>`;
  });
  return `<g class="axis"><line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="#868e96"/>${ticks.join('')}</g>`;
}
