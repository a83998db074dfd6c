/**
 * A target failure that stops `run` or `qualify` midway (a controller that stops answering): what was
 * found before it stays, and summary.json, junit.xml, qualification.md and report.html say the
 * target failed (verdict `error`), so a CI job never reads the scenarios explored before it as a
 * pass, nor as a regression. `report merge` refuses such a shard.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { Invocation } from '../../harness/cli/invocation.ts';
import { exploreOptionsOf } from '../../harness/cli/settings-flags.ts';
import { replayLine } from '../../harness/cli/replay-line.ts';
import { TargetError } from '../../harness/errors.ts';
import { exploreAsync } from '../../harness/explore.ts';
import { readReportFolder } from '../../harness/report-folder.ts';
import { resolveRun } from '../../harness/run-config.ts';
import type { RunSettings } from '../../harness/run-settings.ts';
import { mergeProblem } from '../../reports/merge.ts';
import { scenarioByNameOrPath } from '../../harness/scenario-file.ts';
import { readSummary, workFolder } from './cli-helpers.ts';

const work = workFolder('target-failure');
afterAll(work.remove);

describe('a target failure midway', () => {
  it('keeps the scenarios explored before it and says so in every report (verdict error, not fail)', async () => {
    const settings: RunSettings = {
      target: { name: 'sim' },
      overrides: {},
      strategy: 'random',
      runs: 200,
      seed: 1,
      checkDeterminism: false,
    };
    const dir = join(work.dir, 'rep');
    const invocation = new Invocation({
      command: 'qualify',
      judged: 'expectations',
      settings,
      reportDir: dir,
      outDir: undefined,
      label: 'qualify',
      stderr: process.stderr,
    });
    const config = resolveRun(scenarioByNameOrPath('juju-1.22-implicit-upgrade'));
    const result = await exploreAsync(config, exploreOptionsOf(settings));
    expect(result.failures.length).toBeGreaterThan(0); // a violation found before the target failed
    invocation.record(config, result, (f) => replayLine(config, f, settings));
    const summary = invocation.stoppedByTarget(new TargetError('process target stopped answering'));
    expect(summary.verdict).toBe('error');

    const saved = readSummary(dir);
    expect(saved).toMatchObject({ verdict: 'error', targetError: 'process target stopped answering' });
    expect(saved.endedAt).toBeDefined();
    expect(saved.scenarios.map((s) => s.scenario)).toEqual(['juju-1.22-implicit-upgrade']);
    expect(readdirSync(join(dir, 'failures'))).toHaveLength(result.failures.length);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites [^>]*errors="1"/);
    expect(junit).toContain('<error message="process target stopped answering" type="target-failed"');
    const schema = readFileSync(join(import.meta.dirname, '../fixtures/junit.xsd'), 'utf8');
    const valid = await validateXML({
      xml: [{ fileName: 'junit.xml', contents: junit }],
      schema: [{ fileName: 'junit.xsd', contents: schema }],
    });
    expect(valid.errors).toEqual([]);
    expect(readFileSync(join(dir, 'qualification.md'), 'utf8')).toMatch(
      /^# upgrade-chaos qualification: \*\*ERROR\*\*[^\n]*\n\n> Stopped by a target failure: process target stopped answering/,
    );
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('ERROR');
    expect(mergeProblem([readReportFolder(dir)])).toMatch(/stopped by a target failure .*rerun it/);
  });
});
