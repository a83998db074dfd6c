/**
 * `run --coverage` as a person reads it: per event kind, how many events there were and how many
 * landed in each upgrade phase and in each client state, with a dash where none did, so what was
 * never exercised stands out; then the abstract states visited and the phases never reached. Each
 * table says what its columns add up to (harness/coverage.ts says how events are counted).
 */
import { CLIENT_FACETS, UPGRADE_PHASES, type Coverage } from '../harness/coverage.ts';
import { EVENT_KINDS } from '../harness/plan.ts';
import { count } from '../harness/plural.ts';

const cell = (n: number | undefined, width: number): string => (n ? String(n) : '-').padStart(width);

/** The column every row of both tables starts with: the events of that kind in the plans run. */
const EVENTS = 'events';

function table(coverage: Coverage, title: string, columns: readonly string[], pick: 'phases' | 'clients'): string[] {
  const kinds = [...new Set([...EVENT_KINDS, ...Object.keys(coverage.events)])];
  const first = Math.max(title.length, ...kinds.map((k) => k.length));
  const all = [EVENTS, ...columns];
  const widths = all.map((c) => Math.max(c.length, 5));
  const lines = [`  ${title.padEnd(first)}${all.map((c, i) => c.padStart(widths[i]! + 1)).join('')}`];
  for (const kind of kinds) {
    const e = coverage.events[kind];
    const counts: Record<string, number | undefined> = { ...e?.[pick], [EVENTS]: e?.total };
    lines.push(`  ${kind.padEnd(first)}${all.map((c, i) => ' ' + cell(counts[c], widths[i]!)).join('')}`);
  }
  return lines;
}

/**
 * A --client-cmd program's coverage: its connections, logins and watchers are its own, recorded by
 * the controller but not by the harness, whose walk would put every event in "offline". Its client
 * facets are dropped and said to be unknown instead.
 */
export function unobservedClients(coverage: Coverage): Coverage {
  const events = Object.fromEntries(Object.entries(coverage.events).map(([kind, e]) => [kind, { ...e, clients: {} }]));
  return { ...coverage, events, clientStates: 'not-observed' };
}

/** What an abstract state is made of. */
function stateParts(coverage: Coverage): string {
  return coverage.clientStates === 'not-observed'
    ? "upgrade phase × fault in force; the program's own state is unknown"
    : "upgrade phase × each client's state × fault in force";
}

/** The client-state table, or why there is none. */
function clientTable(coverage: Coverage): string[] {
  if (coverage.clientStates === 'not-observed')
    return [
      `Client state each event landed in: unknown. The client is a --client-cmd program, whose connections,`,
      `logins and watchers are its own: the harness does not observe them (each run's history has the controller's side).`,
    ];
  return [
    `Client state each event landed in: offline + logging-in + connected add up to the events, once per`,
    `client an event concerns (its own, or the one a tied upgrade waited for; every client for an event that`,
    `names none, such as wait or a timed upgrade);`,
    `watching, deploying and partitioned count some of those again (a client may be all three at once).`,
    ...table(coverage, 'event', CLIENT_FACETS, 'clients'),
  ];
}

export function formatCoverage(coverage: Coverage): string {
  const reached = new Set(Object.values(coverage.events).flatMap((e) => Object.keys(e.phases)));
  const states = Object.entries(coverage.states);
  const phasesVisited = new Set(states.map(([s]) => s.split(' | ')[0]));
  const never = UPGRADE_PHASES.filter((p) => !phasesVisited.has(p));
  const eventless = UPGRADE_PHASES.filter((p) => phasesVisited.has(p) && !reached.has(p));
  const rare = states.filter(([, n]) => n === 1).length;
  return [
    `Coverage over ${count(coverage.runs, 'run')} ("-": never exercised).`,
    `Upgrade phase each event landed in (the phases add up to the events):`,
    ...table(coverage, 'event', UPGRADE_PHASES, 'phases'),
    '',
    ...clientTable(coverage),
    '',
    `  ${states.length} abstract states visited (${stateParts(coverage)}), ${rare} by one run only.`,
    ...(never.length ? [`  Upgrade phases never reached: ${never.join(', ')}.`] : []),
    ...(eventless.length ? [`  Reached, but no event ever landed there: ${eventless.join(', ')}.`] : []),
  ].join('\n');
}
