/**
 * junit.xml must not be green for nothing tested: a scenario in which no run completed (an interrupt or
 * --time-limit before the first run ended; the console says NO VERDICT) judged no property, so each of
 * its testcases is skipped, with why (trial 13: tests="11" failures="0" skipped="0", a green CI
 * dashboard). A scenario whose runs held keeps plain passing testcases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { explore } from '../../harness/explore.ts';
import type { ExploreResult } from '../../harness/explore-result.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { formatJunit } from '../../reports/junit.ts';
import { scenarioSummary, type Summary } from '../../reports/summary.ts';
import type { Judged } from '../../reports/expectation.ts';
import { scenarioByName } from '../../scenarios/index.ts';

const config = resolveRun(scenarioByName('juju-1.24-gated-api')!);

function junitOf(result: ExploreResult, judged: Judged): string {
  const scenario = scenarioSummary(config, result, [], judged, { target: { name: 'sim' } });
  const summary = { judged, scenarios: [scenario], settings: { strategy: 'random' }, command: 'run' };
  return formatJunit({ ...summary, startedAt: '2026-11-28T02:00:00Z' } as unknown as Summary);
}

const attribute = (xml: string, name: string) => Number(new RegExp(`<testsuite [^>]*${name}="(\\d+)"`).exec(xml)?.[1]);

function noRunCompleted(): ExploreResult {
  const interrupt = new AbortController();
  interrupt.abort();
  const none = explore(config, { runs: 5, seed: 1, signal: interrupt.signal });
  expect(none).toMatchObject({ runs: 0, verdict: 'none', interrupted: true });
  return none;
}

describe('junit.xml when no run completed', () => {
  it('skips every property, saying the run was interrupted, however the run is judged', async () => {
    const none = noRunCompleted();
    for (const judged of ['properties', 'expectations', 'client-command'] as const) {
      const xml = junitOf(none, judged);
      expect(attribute(xml, 'tests')).toBe(none.properties.length);
      expect(attribute(xml, 'failures')).toBe(0);
      expect(attribute(xml, 'skipped'), judged).toBe(none.properties.length);
      expect(xml.match(/<skipped message="not judged: no run completed \(interrupted\)"\/>/g)).toHaveLength(
        none.properties.length,
      );
    }
    const schema = readFileSync(join(import.meta.dirname, '../fixtures/junit.xsd'), 'utf8');
    const valid = await validateXML({
      xml: [{ fileName: 'junit.xml', contents: junitOf(none, 'properties') }],
      schema: [{ fileName: 'junit.xsd', contents: schema }],
    });
    expect(valid.errors).toEqual([]);
  });

  it('says --time-limit when the time limit came before the first run ended', () => {
    const none = noRunCompleted();
    const timedOut = {
      ...none,
      interrupted: false,
      stoppedEarly: { reason: 'time-limit', timeLimitMs: 1000, plannedRuns: 5 },
    } as ExploreResult;
    const xml = junitOf(timedOut, 'client-command');
    expect(attribute(xml, 'skipped')).toBe(none.properties.length);
    expect(xml).toContain('<skipped message="not judged: no run completed (--time-limit 1s reached)"/>');
  });

  it('keeps passing testcases for runs that held', () => {
    const held = explore(config, { runs: 5, seed: 1 });
    expect(held.verdict).toBe('pass');
    const xml = junitOf(held, 'properties');
    const unknown = held.properties.filter((p) => p.verdict === 'unknown').length;
    expect(attribute(xml, 'skipped')).toBe(unknown);
    expect(xml).not.toContain('no run completed');
  });
});
