/** `upgrade-chaos scenarios`: the corpus, each with its profiles and expected verdicts. */
import { SCENARIOS } from '../../scenarios/index.ts';
import { CLIENT_PROFILES } from '../clients/profiles.ts';
import { CONTROLLER_PROFILES } from '../controller/profile.ts';
import { parseFlags } from './options.ts';
import type { CommandIO } from './run-command.ts';

export function scenariosCommand(argv: string[], io: CommandIO): number {
  const { values } = parseFlags(argv, { json: { type: 'boolean' }, 'log-level': { type: 'string' } });
  if (values.json) {
    io.out(
      JSON.stringify({
        scenarios: SCENARIOS.map((s) => ({
          name: s.name,
          summary: s.summary,
          description: s.description,
          controller: s.controller,
          client: s.client,
          clients: s.clients,
          expect: s.expect,
        })),
      }),
    );
    return 0;
  }
  const lines: string[] = [];
  for (const s of SCENARIOS) {
    lines.push(
      `${s.name}`,
      `  ${s.summary}`,
      `  controller ${s.controller}, client ${s.client} ×${s.clients}${s.testedVersion ? `, tested version ${s.testedVersion}` : ''}`,
    );
    for (const [property, verdict] of Object.entries(s.expect))
      lines.push(`    ${property.padEnd(24)} expected ${verdict}`);
    lines.push('');
  }
  lines.push('Controller profiles:', ...CONTROLLER_PROFILES.map((p) => `  ${p.name.padEnd(18)} ${p.summary}`), '');
  lines.push('Client profiles:', ...CLIENT_PROFILES.map((p) => `  ${p.name.padEnd(18)} ${p.summary}`), '');
  lines.push(
    'Run one: npx upgrade-chaos run --scenario NAME (exit 1 if a property is violated, whatever it expects);',
    "all: npx upgrade-chaos run (each verdict judged against the scenario's expectation, as listed above).",
  );
  io.out(lines.join('\n'));
  return 0;
}
