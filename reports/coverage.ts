/**
 * `run --coverage` as a person reads it: per event kind, how many events landed in each upgrade
 * phase and in each client state, with a dash where none did, so what was never exercised stands
 * out; then the abstract states visited and the phases never reached.
 */
import { CLIENT_FACETS, UPGRADE_PHASES, type Coverage } from '../harness/coverage.ts';
import { EVENT_KINDS } from '../harness/plan.ts';

const cell = (n: number | undefined, width: number): string => (n ? String(n) : '-').padStart(width);

function table(coverage: Coverage, title: string, columns: readonly string[], pick: 'phases' | 'clients'): string[] {
  const kinds = [...new Set([...EVENT_KINDS, ...Object.keys(coverage.events)])];
  const first = Math.max(title.length, ...kinds.map((k) => k.length));
  const widths = columns.map((c) => Math.max(c.length, 5));
  const lines = [`  ${title.padEnd(first)}${columns.map((c, i) => c.padStart(widths[i]! + 1)).join('')}`];
  for (const kind of kinds) {
    const e = coverage.events[kind];
    const counts = (e?.[pick] ?? {}) as Record<string, number>;
    lines.push(`  ${kind.padEnd(first)}${columns.map((c, i) => ' ' + cell(counts[c], widths[i]!)).join('')}`);
  }
  return lines;
}

export function formatCoverage(coverage: Coverage): string {
  const reached = new Set(Object.values(coverage.events).flatMap((e) => Object.keys(e.phases)));
  const states = Object.entries(coverage.states);
  const phasesVisited = new Set(states.map(([s]) => s.split(' | ')[0]));
  const never = UPGRADE_PHASES.filter((p) => !phasesVisited.has(p));
  const eventless = UPGRADE_PHASES.filter((p) => phasesVisited.has(p) && !reached.has(p));
  const rare = states.filter(([, n]) => n === 1).length;
  return [
    `Coverage over ${coverage.runs} runs ("-": never exercised).`,
    ...table(coverage, 'event', UPGRADE_PHASES, 'phases'),
    '',
    ...table(coverage, 'event', CLIENT_FACETS, 'clients'),
    '',
    `  ${states.length} abstract states visited (upgrade phase × each client's state × fault in force), ${rare} by one run only.`,
    ...(never.length ? [`  Upgrade phases never reached: ${never.join(', ')}.`] : []),
    ...(eventless.length ? [`  Reached, but no event ever landed there: ${eventless.join(', ')}.`] : []),
  ].join('\n');
}
