/**
 * `run --report DIR` on a failing scenario leaves every file the issue names: summary.json,
 * failures/<id>/ (failure.json, history.jsonl), junit.xml valid for the JUnit schema, report.html;
 * `show` prints a saved failure without running it; `replay FILE` gives back the recorded hash and
 * a vitest test; results are never overwritten.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { cliIn, readSummary, workFolder } from './cli-helpers.ts';
import type { Summary } from '../../reports/summary.ts';
import { readFailureFile } from '../../harness/report-folder.ts';
import { formatTimeline } from '../../reports/timeline.ts';

const work = workFolder('report');
const cli = cliIn(work.dir);
const report = join(work.dir, 'out');
let summary: Summary;
let runStdout = '';
afterAll(() => work.remove());

beforeAll(async () => {
  const r = await cli(
    'run',
    '--scenario',
    'juju-1.22-implicit-upgrade',
    '--runs',
    '300',
    '--seed',
    '1',
    '--report',
    report,
  );
  expect(r.exitCode, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^upgrade-chaos run: seed 1 \(--seed 1 repeats it\), target sim$/m);
  expect(r.stderr).toMatch(new RegExp(`^upgrade-chaos run: results in ${report}$`, 'm'));
  runStdout = r.stdout;
  summary = readSummary(report);
}, 120_000);

describe('run --report DIR', () => {
  it('writes summary.json with the --json fields and what a person needs to trust and repeat the run', () => {
    expect(summary).toMatchObject({
      format: 'upgrade-chaos-summary/1',
      command: 'run',
      judged: 'properties',
      verdict: 'fail',
      interrupted: false,
      settings: { seed: 1, runs: 300, strategy: 'random', target: { name: 'sim' } },
      tool: { name: 'upgrade-chaos', version: expect.any(String) },
    });
    expect(Date.parse(summary.endedAt!)).toBeGreaterThanOrEqual(Date.parse(summary.startedAt));
    const [s] = summary.scenarios;
    expect(s).toMatchObject({
      scenario: 'juju-1.22-implicit-upgrade',
      target: 'sim',
      runs: 300,
      seed: 1,
      verdict: 'fail',
      controller: 'juju-1.22',
      client: 'deployer-naive',
      clients: 1,
    });
    expect(s!.versions.length).toBeGreaterThan(0);
    expect(s!.properties.map((p) => p.property)).toEqual(Object.keys(s!.expected));
    expect(s!.failures.length).toBeGreaterThan(0);
  });

  it('keeps each failure in failures/<id>/ with everything replay needs and the full history as JSON lines', () => {
    const ids = readdirSync(join(report, 'failures')).sort();
    expect(ids).toEqual(summary.scenarios[0]!.failures.map((f) => f.id).sort());
    for (const id of ids) {
      const record = JSON.parse(readFileSync(join(report, 'failures', id, 'failure.json'), 'utf8'));
      expect(record).toMatchObject({
        format: 'upgrade-chaos-failure/2',
        id,
        scenario: { name: 'juju-1.22-implicit-upgrade', controller: 'juju-1.22', versions: expect.any(Array) },
        settings: { seed: 1, strategy: 'random', target: { name: 'sim' } },
        shrunkOn: 'sim',
      });
      const lines = readFileSync(join(report, 'failures', id, 'history.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'run-start' });
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'run-end' });
    }
  });

  it('writes junit.xml that the JUnit schema accepts: one suite per scenario, one case per property', async () => {
    const xml = readFileSync(join(report, 'junit.xml'), 'utf8');
    const schema = readFileSync(join(import.meta.dirname, '../fixtures/junit.xsd'), 'utf8');
    const result = await validateXML({
      xml: [{ fileName: 'junit.xml', contents: xml }],
      schema: [{ fileName: 'junit.xsd', contents: schema }],
    });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    const s = summary.scenarios[0]!;
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml.match(/<testcase /g)).toHaveLength(s.properties.length);
    expect(xml.match(/<failure /g)).toHaveLength(s.failures.length);
    for (const f of s.failures) expect(xml).toContain(`Replay: ${f.replay.replaceAll('"', '&quot;')}`);
  });

  it('prints failures with their saved file, then where the results are', () => {
    const file = join('out', 'failures', summary.scenarios[0]!.failures[0]!.id, 'failure.json');
    expect(runStdout).toContain(`saved to ${join(report, 'failures')}`);
    expect(runStdout).toContain(`Results: ${report}`);
    expect(existsSync(join(work.dir, file))).toBe(true);
  });

  it('show FILE prints the plan, violations and timeline without running anything', async () => {
    const f = summary.scenarios[0]!.failures[0]!;
    const r = await cli('show', join(report, 'failures', f.id, 'failure.json'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`juju-1.22-implicit-upgrade × ${f.property}`);
    expect(r.stdout).toMatch(/^ {3}\d\. \[t=0ms\] bootstrap$/m); // numbered, with its time
    expect(r.stdout).toMatch(/Timeline:\n[\s\S]*controller/);
    expect(r.stdout).toContain(`History hash ${f.historyHash}`);
    // --full: every line of the timeline, as the failure's history has it.
    const full = await cli('show', '--full', join(report, 'failures', f.id, 'failure.json'));
    expect(full.exitCode).toBe(0);
    const { history } = readFailureFile(join(report, 'failures', f.id, 'failure.json'));
    expect(full.stdout).toContain(`Timeline:\n${formatTimeline(history!, { maxLines: Infinity })}\n`);
    expect(full.stdout).not.toMatch(/more lines \(/);
  });

  it('replay FILE gives back the recorded history and prints a vitest test to paste', async () => {
    const f = summary.scenarios[0]!.failures[0]!;
    const r = await cli('replay', join(report, 'failures', f.id, 'failure.json'));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`History hash ${f.historyHash} (same as recorded)`);
    // A replay is not shrunk, and its heading does not say it was.
    expect(r.stdout).toMatch(/^Plan, not shrunk \(\d+ events?; sim seed \d+\):$/m);
    expect(r.stdout).not.toMatch(/^Shrunk plan/m);
    expect(r.stdout).toContain('Not shrunk (a replay)');
    expect(r.stdout).toMatch(
      /A vitest test that fails until this is fixed[\s\S]*fc\.assert\([\s\S]*endOnFailure: true/,
    );
    expect(r.stdout).toContain(`seed: 1, path: "${f.path}"`);
  });

  it('never overwrites: a second --report into the same folder is refused; default folders are per invocation', async () => {
    const again = await cli('run', '--scenario', 'juju-1.24-gated-api', '--runs', '5', '--report', report);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already holds a report/);
    const a = await cli('run', '--scenario', 'juju-1.24-gated-api', '--runs', '5', '--seed', '2', '--json');
    const b = await cli('run', '--scenario', 'juju-1.24-gated-api', '--runs', '5', '--seed', '2', '--json');
    const [da, db] = [a, b].map((x) => JSON.parse(x.stdout).results as string);
    expect(da).toMatch(/^upgrade-chaos-results\/juju-1.24-gated-api\/[^/]+$/);
    expect(da).not.toBe(db);
    for (const d of [da, db]) expect(readSummary(join(work.dir, d!)).verdict).toBe('pass'); // kept even when it passes
  });
});
