/**
 * What a person reads at the end of a run, as a new user met it: counts in words ("1 event"), each
 * violated property named once, coverage columns that line up, a replay that prints its history hash
 * once, a run that --time-limit cut short saying so, and on real targets a hint that one replay may
 * pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withCorpusFailures } from '../../harness/corpus.ts';
import { explore } from '../../harness/explore.ts';
import type { ExploreResult, Failure } from '../../harness/explore-result.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { formatCoverage, unobservedClients } from '../../reports/coverage.ts';
import { formatFailure, formatSummary, SUGGESTED_REPEAT } from '../../reports/console.ts';
import { runJson } from '../../reports/json.ts';
import { scenarioSummary, summaryVerdict } from '../../reports/summary.ts';
import { scenarioByName } from '../../scenarios/index.ts';
import { cliIn, workFolder } from './cli-helpers.ts';

const work = workFolder('console-output');
afterAll(work.remove);
const cli = cliIn(work.dir);

const implicit = resolveRun(scenarioByName('juju-1.22-implicit-upgrade')!);
const found = explore(implicit, { runs: 300, seed: 1 });
/** Settings of an unsharded sim run, as scenarioSummary reads them. */
const SIM = { target: { name: 'sim' } };

describe('console output', () => {
  it('names each violated property once, even when the corpus and the exploration both found it', () => {
    expect(found.failures.length).toBeGreaterThan(1);
    // A corpus entry is the same property in another case (another history).
    const fromCorpus = found.failures.map((f) => ({ ...f, historyHash: `corpus-${f.historyHash}` }));
    const both = withCorpusFailures(found, fromCorpus);
    expect(both.failures).toHaveLength(2 * found.failures.length);
    const line = formatSummary(both).split('\n')[0]!;
    const named = /FAIL: (.*) violated/.exec(line)![1]!.split(', ');
    expect(named).toEqual([...new Set(found.failures.map((f) => f.property))]);
  });

  it('says how many saved failures it replayed when they all passed again (console and summary notes)', () => {
    const passing = { ...found, verdict: 'pass' as const, failures: [] };
    const replayed = withCorpusFailures(passing, [], 8);
    expect(replayed.notes).toContain('replayed 8 saved failures: all passed');
    expect(formatSummary(replayed)).toContain('  note: replayed 8 saved failures: all passed');
    expect(scenarioSummary(implicit, replayed, [], 'properties', SIM).notes).toContain(
      'replayed 8 saved failures: all passed',
    );
    expect(withCorpusFailures(passing, [])).toBe(passing); // nothing replayed: nothing to say
    // The replays' time counts in the scenario's elapsed time, whether they failed again or not.
    expect(withCorpusFailures(passing, [], 8, 150_000).elapsedMs).toBe(passing.elapsedMs + 150_000);
    expect(withCorpusFailures(found, found.failures.slice(0, 1), 1, 2_000).elapsedMs).toBe(found.elapsedMs + 2_000);
  });

  it('says a plan shrinking on the target never saw fail again is not shrunk, and how often it ran', () => {
    const f = found.failures[0]!;
    const onTarget = (reproduced: { runs: number; failed: number }, timedOut: boolean): string =>
      formatFailure(
        {
          ...f,
          shrunkEvents: f.events,
          shrunkOn: 'target',
          target: 'process',
          clientOutputs: [],
          reproduced,
          ...(timedOut ? { shrinkTimedOut: { limitMs: 60_000 } } : {}),
        },
        'npx upgrade-chaos replay ...',
      );
    // The budget ran out before the case found ran again: only the exploration's run ever failed.
    const never = onTarget({ runs: 1, failed: 1 }, true);
    expect(never).not.toMatch(/not seen again|failed 1 of 1/);
    expect(never).toContain('Not shrunk on the process target (the case found had not run again); shrinking stopped');
    expect(never).toMatch(/^Plan, not shrunk \(/m);
    // Run again twice, passing both times.
    const passed = onTarget({ runs: 3, failed: 1 }, false);
    expect(passed).toContain(
      "Not shrunk on the process target: the case found was not seen to fail again (passed 2 of 2 reruns; failed 1 of 3 runs, the exploration's included)",
    );
    expect(passed).toMatch(/^Plan, not shrunk \(/m);
    expect(passed).not.toMatch(/^Shrunk plan/m);
    // The case found failed again, but the budget ran out before a smaller plan failed: not "shrunk".
    const stopped = formatFailure(
      {
        ...f,
        shrunkEvents: f.events,
        shrunkOn: 'target',
        target: 'process',
        clientOutputs: [],
        shrinkTimedOut: { limitMs: 60_000 },
      },
      'npx upgrade-chaos replay ...',
    );
    expect(stopped).toMatch(/^Plan, not shrunk \(.*shrinking stopped after 60 s at (\d+) of \1 events/m);
    expect(stopped).toContain(
      'Not shrunk on the process target: the case found failed again, and no smaller plan failed before shrinking stopped; shrinking stopped',
    );
    expect(stopped).not.toMatch(/^Shrunk on/m);
  });

  it('lists violations by the run that first showed each (ties in property order), in the console and the JSON', () => {
    // The first seed whose violations were first seen in an order other than the properties' order.
    const explored = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => explore(implicit, { runs: 60, seed }));
    const inPropertyOrder = (r: ExploreResult) => r.properties.filter((p) => p.violated).map((p) => p.property);
    const firstSeen = (r: ExploreResult) =>
      [...r.properties]
        .filter((p) => p.violated)
        .sort((a, b) => a.firstFailureRun! - b.firstFailureRun!) // stable: ties stay in property order
        .map((p) => p.property);
    const r = explored.find((x) => firstSeen(x).join() !== inPropertyOrder(x).join());
    expect(r, 'a seed whose violations came in another order').toBeDefined();
    const order = firstSeen(r!);
    expect(r!.failures.map((f) => f.property)).toEqual(order);
    expect(formatSummary(r!)).toContain(`FAIL: ${order.join(', ')} violated`);
    expect(runJson(r!, () => 'replay').failures.map((f) => f.property)).toEqual(order);
  });

  it('says "1 event" and "1 run", not "1 events" and "1 runs"', () => {
    const f = found.failures[0]!;
    const one: Failure = { ...f, plan: f.plan.slice(0, 1), shrunkEvents: 1 };
    expect(formatFailure(one, 'npx upgrade-chaos replay ...')).toMatch(/^Shrunk plan \(1 event, from \d+;/m);
    expect(formatSummary({ ...found, runs: 1 })).toMatch(/ — 1 run, seed 1,/);
    // judged by the scenario's expectations, with every verdict as expected: not a FAIL
    expect(formatSummary(found, true)).toMatch(/: AS EXPECTED: [a-z, -]+ violated — 300 runs/);
    const oneUnit = found.failures.find((x) =>
      x.history.some((r) => r.type === 'invoke' && 'units' in r.value && r.value.units === 1),
    );
    expect(oneUnit, 'a failure that deploys one unit').toBeDefined();
    expect(formatFailure(oneUnit!, 'replay')).toMatch(/asked to deploy \S+ \(1 unit\), op/);
  });

  it('lists the violations in time order, as the timeline', () => {
    const f = found.failures[0]!;
    const v = f.violations[0]!;
    const late = { ...v, t: 9_000, message: 'the late one' };
    const early = { ...v, t: 1_000, message: 'the early one' };
    const text = formatFailure({ ...f, violations: [late, early] }, 'replay');
    expect(text.indexOf('the early one')).toBeLessThan(text.indexOf('the late one'));
  });

  it('says in which run a failure was first seen, and nothing of the kind for a corpus entry', () => {
    const f = { ...found.failures[0]!, path: '41:0:2' };
    expect(formatFailure(f, 'replay').split('\n')[0]).toBe(`✗ ${f.property} violated (first seen in run 42)`);
    const fromCorpus: Failure = { ...f, shrunkOn: 'none', reason: 'corpus', target: 'sim', clientOutputs: [] };
    expect(formatFailure(fromCorpus, 'replay').split('\n')[0]).toBe(`✗ ${f.property} violated`);
  });

  it('qualify and coverage count in words too: "1 scenario", "1 run", not "1 scenarios", "1 runs"', async () => {
    const r = await cli('qualify', '--scenario', 'juju-1.24-gated-api', '--runs', '1', '--seed', '1');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Qualification on sim: 1 scenario, up to 1 run each, seed 1/m);
    expect(r.stdout).toMatch(/^PASS: all \d+ verdicts in 1 scenario match their expectations\.$/m);
    const once = explore(resolveRun(scenarioByName('juju-1.24-gated-api')!), { runs: 1, seed: 1, coverage: true });
    expect(formatCoverage(once.coverage!)).toMatch(/^Coverage over 1 run \(/);
  });

  it('an interrupt before any run ended gives no verdict, not a PASS: on the console and in summary.json alike', () => {
    const interrupt = new AbortController();
    interrupt.abort();
    const none = explore(implicit, { runs: 300, seed: 1, signal: interrupt.signal });
    expect(none).toMatchObject({ runs: 0, verdict: 'none', interrupted: true });
    expect(formatSummary(none).split('\n')[0]).toMatch(/: NO VERDICT: no run completed \(INTERRUPTED\) — 0 runs,/);
    // Interrupted after runs that all held: what is true so far, not "every property held".
    const held = explore(resolveRun(scenarioByName('juju-1.24-gated-api')!), { runs: 20, seed: 1 });
    expect(held.verdict).toBe('pass');
    const cut = formatSummary({ ...held, interrupted: true }).split('\n')[0]!;
    expect(cut).toMatch(/: INTERRUPTED after 20 runs: no property violated so far — 20 runs,/);
    expect(cut).not.toMatch(/PASS|every property held/);
    // Judged by properties (--scenario) or by the scenario's expectations (it expects violations, which
    // no run showed): no verdict either way, not a pass and not a mismatch.
    for (const judged of ['properties', 'expectations'] as const) {
      const scenario = scenarioSummary(implicit, none, [], judged, SIM);
      expect(scenario).toMatchObject({ verdict: 'none', mismatches: [] });
      expect(summaryVerdict([scenario], judged)).toBe('none');
      // Beside a scenario that ran, the invocation's verdict is that one's.
      const ran = scenarioSummary(implicit, found, [], judged, SIM);
      expect(summaryVerdict([ran, scenario], judged)).toBe(judged === 'properties' ? 'fail' : 'pass');
    }
  });

  it("says a --client-cmd program's client states are unknown, rather than counting every event offline", () => {
    const covered = explore(resolveRun(scenarioByName('juju-1.24-gated-api')!), { runs: 20, seed: 1, coverage: true });
    const program = unobservedClients(covered.coverage!);
    expect(program.clientStates).toBe('not-observed');
    expect(Object.values(program.events).every((e) => Object.keys(e.clients).length === 0)).toBe(true);
    const text = formatCoverage(program);
    expect(text).toContain('Client state each event landed in: unknown.');
    expect(text).not.toMatch(/offline/);
    expect(text).toMatch(
      /abstract states visited \(upgrade phase × fault in force; the program's own state is unknown\)/,
    );
    // The phase table stays: the controller's side is observed.
    expect(text).toMatch(/^ {2}event +events before-bootstrap/m);
  });

  it('lines the coverage columns up on every row, chained-upgrade included', () => {
    const covered = explore(resolveRun(scenarioByName('juju-1.24-gated-api')!), { runs: 50, seed: 1, coverage: true });
    const text = formatCoverage(covered.coverage!);
    const [phases, clients] = text.split('\n\n').map((block) => block.split('\n').filter((l) => l.startsWith('  ')));
    for (const table of [phases!, clients!]) {
      expect(table.some((row) => row.trimStart().startsWith('chained-upgrade '))).toBe(true);
      // Every count is right-aligned under its header, so every row ends where the header does.
      expect(new Set(table.map((row) => row.length))).toEqual(new Set([table[0]!.length]));
    }
  });

  it('suggests --repeat for a failure on a real target, and not for the sim', () => {
    const f = found.failures[0]!;
    const line = 'npx upgrade-chaos replay --scenario x --target process --seed 1 --path "0"';
    expect(formatFailure(f, line)).not.toMatch(/--repeat/);
    const onProcess: Failure = {
      ...f,
      shrunkOn: 'target',
      target: 'process',
      clientOutputs: [],
    };
    expect(formatFailure(onProcess, line)).toContain(`${line} --repeat ${SUGGESTED_REPEAT}`);
  });

  it('replay prints the history hash once per failure', async () => {
    const f = found.failures.find((x) => x.property === 'watchers-resume')!;
    const r = await cli(
      'replay',
      '--scenario',
      'juju-1.22-implicit-upgrade',
      '--property',
      f.property,
      '--seed',
      '1',
      '--path',
      f.path,
    );
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout.match(/History hash/g)).toHaveLength(1);
    expect(r.stdout).toContain(`History hash ${f.historyHash}`);
  });

  it('a run that --time-limit stopped says so, in the summary line, the JSON and summary.json', async () => {
    const args = ['run', '--scenario', 'juju-1.24-gated-api', '--runs', '10000000', '--time-limit', '1', '--seed', '1'];
    const human = await cli(...args, '--no-corpus');
    expect(human.exitCode, human.stderr).toBe(0);
    // On a loaded machine the second can pass before the first run ends: then there is no verdict.
    expect(human.stdout).toMatch(
      /(PASS: every property held|NO VERDICT: no run completed) — \d+ of 10000000 runs \(STOPPED by --time-limit 1s\)/,
    );
    const json = await cli(...args, '--no-corpus', '--json');
    const result = JSON.parse(json.stdout);
    expect(result.stoppedEarly).toEqual({ reason: 'time-limit', timeLimitMs: 1000, plannedRuns: 10_000_000 });
    const summary = JSON.parse(readFileSync(join(work.dir, result.results, 'summary.json'), 'utf8'));
    expect(summary.scenarios[0].stoppedEarly).toEqual(result.stoppedEarly);
    // A run that ends on its count says nothing of the kind.
    const counted = JSON.parse((await cli('run', '--scenario', 'juju-1.24-gated-api', '--runs', '5', '--json')).stdout);
    expect(counted.stoppedEarly).toBeUndefined();
  });
});
