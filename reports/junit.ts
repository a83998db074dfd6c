/**
 * junit.xml: one testsuite per scenario (per controller, when two were compared), one testcase per
 * property it judges. A testcase fails as the run is judged: with --scenario, when the property was
 * violated; in a corpus run or a qualification, when the verdict differs from the expected one (an
 * expected violation passes, and says so in system-out). The failure's message leads with the replay
 * command, as fast-check's report leads with the seed. Written to the JUnit schema Jenkins, GitLab
 * and GitHub's test reporters read (testsuites > testsuite > properties, testcase*, system-out).
 */
import { formatMs } from '../harness/plan.ts';
import { element, type Attributes } from './xml.ts';
import { observedVerdict, type ScenarioSummary, type SummaryFailure, type Summary } from './summary.ts';
import type { PropertyOutcome } from '../harness/explore-result.ts';
import { count } from '../harness/plural.ts';
import { planHeading } from './plan-heading.ts';
import { expectedOfController, judgeOutcome, NOT_IN_SHARD, type Judgement } from './expectation.ts';

export function formatJunit(summary: Summary): string {
  const suites = summary.scenarios.map((s) => testsuite(summary, s));
  if (summary.targetError !== undefined) suites.push(targetErrorSuite(summary.targetError));
  const errors = summary.targetError !== undefined ? 1 : 0;
  const failures = summary.scenarios.reduce((n, s) => n + failingCases(summary, s).length, 0);
  const tests = summary.scenarios.reduce((n, s) => n + s.outcomes.length, 0) + errors;
  const time = summary.scenarios.reduce((n, s) => n + s.elapsedMs, 0) / 1000;
  const root = element(
    'testsuites',
    { name: `upgrade-chaos ${summary.command}`, tests, failures, errors, time: time.toFixed(3) },
    suites,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}

/** The target failure that stopped the invocation, as an error: a CI job must not read the scenarios
 *  explored before it as the whole run passing. */
function targetErrorSuite(message: string): string {
  const attrs = { name: 'target', tests: 1, failures: 0, errors: 1, skipped: 0, time: '0.000' };
  const error = element('error', { message, type: 'target-failed' }, { text: message });
  return element('testsuite', attrs, [
    element('testcase', { name: 'target', classname: 'upgrade-chaos.target', time: '0' }, [error]),
  ]);
}

function failingCases(summary: Summary, s: ScenarioSummary): PropertyOutcome[] {
  return s.outcomes.filter((o) => caseFails(summary, s, o));
}

function caseFails(summary: Summary, s: ScenarioSummary, o: PropertyOutcome): boolean {
  return judgement(summary, s, o) === 'differs';
}

function judgement(summary: Summary, s: ScenarioSummary, o: PropertyOutcome): Judgement {
  const sharded = summary.settings.shard !== undefined;
  return judgeOutcome(summary.judged, o.property, s.expected[o.property], observedVerdict(o), sharded);
}

function testsuite(summary: Summary, s: ScenarioSummary): string {
  const attrs: Attributes = {
    name: suiteName(summary, s),
    tests: s.outcomes.length,
    failures: failingCases(summary, s).length,
    errors: 0,
    skipped: s.outcomes.filter((o) => skippedWhy(summary, s, o) !== undefined).length,
    time: (s.elapsedMs / 1000).toFixed(3),
    timestamp: summary.startedAt.replace(/\.\d+Z$|Z$/, ''),
    hostname: 'localhost',
  };
  const properties = element(
    'properties',
    {},
    Object.entries({
      seed: s.seed,
      runs: s.runs,
      target: s.target,
      controller: s.controller,
      client: s.client,
      strategy: summary.settings.strategy,
      ...(summary.settings.shard ? { shard: `${summary.settings.shard.index}/${summary.settings.shard.count}` } : {}),
      ...(s.interrupted ? { interrupted: 'true' } : {}),
    }).map(([name, value]) => element('property', { name, value })),
  );
  const cases = s.outcomes.map((o) => testcase(summary, s, o));
  const out = `${count(s.runs, 'run')}, seed ${s.seed}, ${s.runsPerSecond} runs/s, ${formatMs(s.elapsedMs)}${s.interrupted ? ' (interrupted)' : ''}`;
  return element('testsuite', attrs, [properties, ...cases, element('system-out', {}, { text: out })]);
}

/** Two controllers compared show as two suites of the same scenario: name both. */
function suiteName(summary: Summary, s: ScenarioSummary): string {
  const twice = summary.scenarios.filter((o) => o.scenario === s.scenario).length > 1;
  return twice ? `${s.scenario} (${s.controller})` : s.scenario;
}

function testcase(summary: Summary, s: ScenarioSummary, o: PropertyOutcome): string {
  const attrs = { name: o.property, classname: `upgrade-chaos.${s.scenario}`, time: '0' };
  const failure = s.failures.find((f) => f.property === o.property);
  const expected = s.expected[o.property];
  if (caseFails(summary, s, o)) {
    const why =
      summary.judged === 'properties'
        ? `${o.property} violated`
        : summary.judged === 'client-command'
          ? (s.mismatches.find((m) => m.startsWith(`${o.property}:`)) ?? `${o.property} violated`)
          : `${o.property}: expected ${expected}, observed ${observedVerdict(o)}`;
    const message = failure ? `${why}. Replay: ${failure.replay}` : why;
    return element('testcase', attrs, [
      element('failure', { message, type: 'violated' }, { text: failure ? failureText(failure) : why }),
    ]);
  }
  if (summary.judged === 'expectations' && judgement(summary, s, o) === 'not-in-shard')
    return element('testcase', attrs, [element('system-out', {}, { text: NOT_IN_SHARD })]);
  const skipped = skippedWhy(summary, s, o);
  if (skipped !== undefined) return element('testcase', attrs, [element('skipped', { message: skipped })]);
  if (o.violated && failure) {
    const as =
      summary.judged === 'client-command' && expectedOfController(o.property, expected)
        ? `violated, as the scenario expects of its ${s.controller} controller (not the client under test's doing)`
        : 'violated, as expected';
    return element('testcase', attrs, [element('system-out', {}, { text: `${as}.\n${failureText(failure)}` })]);
  }
  return element('testcase', attrs);
}

/**
 * Why a testcase that does not fail is skipped, if it is: its property was judged in no run. Every
 * property when no run completed (an interrupt or --time-limit came first: trial 13's junit.xml said
 * 11 tests, 0 failures, 0 skipped, and a CI dashboard showed green for nothing tested), or one that
 * could not judge some run.
 */
function skippedWhy(summary: Summary, s: ScenarioSummary, o: PropertyOutcome): string | undefined {
  if (caseFails(summary, s, o) || (summary.judged === 'expectations' && judgement(summary, s, o) === 'not-in-shard'))
    return undefined;
  if (s.runs === 0) {
    const cut = s.stoppedEarly
      ? `--time-limit ${formatMs(s.stoppedEarly.timeLimitMs)} reached`
      : s.interrupted
        ? 'interrupted'
        : 'none was run';
    return `not judged: no run completed (${cut})`;
  }
  if (o.verdict === 'unknown') return `could not judge ${o.unknownRuns ?? 0} run(s): ${o.unknownReason ?? ''}`;
  return undefined;
}

function failureText(f: SummaryFailure): string {
  return [
    `Replay: ${f.replay}`,
    `Failure folder: failures/${f.id}`,
    `${planHeading({ ...f, shrinkStopped: f.shrinkStopped?.message })}, history hash ${f.historyHash}`,
    ...f.violations.slice(0, 10).map((v) => `- [t=${formatMs(v.t)}] ${v.message}`),
  ].join('\n');
}
