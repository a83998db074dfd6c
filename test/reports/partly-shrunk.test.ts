/**
 * A failure shrunk on a real target whose --shrink-time ran out is only partly shrunk, and every
 * report says so as the console does: failure.json carries `shrinkStopped`, and `show`, report.html
 * and junit.xml introduce its plan as "Partly shrunk plan (6 events, from 11; shrinking stopped
 * ...)" (trial 10: they said "shrunk on target" and "Plan (6 events, from 11)"). report.html also
 * links the program's client-output.txt and shows the end of its output, as the console does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explore } from '../../harness/explore.ts';
import type { Failure } from '../../harness/explore-result.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { ReportFolder } from '../../harness/report-folder.ts';
import type { RunSettings } from '../../harness/run-settings.ts';
import { showCommand } from '../../harness/cli/show-command.ts';
import { createLogger } from '../../harness/log.ts';
import { formatFailure } from '../../reports/console.ts';
import { failureJson } from '../../reports/json.ts';
import { formatHtmlReport } from '../../reports/html-report.ts';
import { formatJunit } from '../../reports/junit.ts';
import { scenarioSummary, type Summary } from '../../reports/summary.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { workFolder } from './cli-helpers.ts';

const work = workFolder('partly-shrunk');
afterAll(work.remove);

const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
const found = explore(config, { runs: 100, seed: 1 }).failures.find((f) => f.plan.length > 1)!;
const COMMAND = '/usr/bin/python3 deploy.py';
const partly: Failure = {
  ...found,
  events: found.plan.length + 5,
  shrunkEvents: found.plan.length,
  shrunkOn: 'target',
  target: 'process',
  shrinkTimedOut: { limitMs: 30_000 },
  clientOutputs: [
    {
      client: 'client-0',
      command: COMMAND,
      exitCode: 1,
      timedOut: false,
      stdout: '',
      stderr: '[deploy 1.0] connection lost: <refused>\n[deploy 2.0] cannot log in: upgrade in progress\n',
    },
  ],
};
const settings: RunSettings = {
  target: { name: 'process', timeScale: 0.1, clientCommand: COMMAND },
  overrides: {},
  strategy: 'random',
  runs: 100,
  seed: 1,
  checkDeterminism: false,
};
const folder = ReportFolder.create(join(work.dir, 'report'));
const saved = folder.saveFailure(config, partly, settings);
const heading = `Partly shrunk plan (${found.plan.length} events, from ${found.plan.length + 5}; shrinking stopped after 30 s`;

describe('a partly shrunk plan', () => {
  it('is called partly shrunk in the console, failure.json and show', () => {
    expect(formatFailure(partly, 'replay')).toContain(heading);
    const record = JSON.parse(readFileSync(saved.file, 'utf8'));
    expect(record.shrinkStopped).toEqual({
      limitMs: 30_000,
      message: expect.stringMatching(/^shrinking stopped after 30 s at \d+ of \d+ events/),
    });
    const out: string[] = [];
    expect(showCommand([saved.file], { out: (t) => out.push(t), log: createLogger('error') })).toBe(0);
    const shown = out.join('\n');
    expect(shown).toContain(heading);
    expect(shown).toContain('partly shrunk on target');
    expect(shown).not.toMatch(/^Plan \(/m);
  });

  it('is called partly shrunk in report.html and junit.xml, and the HTML shows and links the program output', () => {
    const listed = { ...failureJson(partly, 'npx upgrade-chaos replay ...', saved.file), id: saved.record.id };
    const scenario = scenarioSummary(
      config,
      { ...explore(config, { runs: 1, seed: 1 }), failures: [partly] },
      [listed],
      'properties',
      settings,
    );
    const summary = {
      command: 'run',
      judged: 'properties',
      verdict: 'fail',
      interrupted: false,
      settings,
      tool: { name: 'upgrade-chaos', version: 'test' },
      startedAt: '2026-11-27T17:00:00Z',
      scenarios: [{ ...scenario, failures: [listed] }],
      skipped: [],
    } as unknown as Summary;
    const html = formatHtmlReport(summary, [saved]);
    expect(html).toContain(heading);
    expect(html).toContain('partly shrunk on target');
    expect(html).toContain(`href="${saved.folder}/client-output.txt"`);
    expect(html).toContain('cannot log in: upgrade in progress');
    expect(html).toContain('&lt;refused&gt;'); // escaped
    expect(formatJunit(summary)).toContain(heading);
  });
});
