/**
 * `upgrade-chaos qualify` end to end: the JSON object, the matrix, exit codes (0 only when every
 * verdict matches, an unexpected pass included), the controller comparison, and usage errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { SIM_SCENARIOS as SCENARIOS } from '../../scenarios/index.ts';

const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');
const dir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-qualify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => execa('node', [BIN, 'qualify', ...args], { reject: false, cwd: dir });

/** A scenario file whose expectations are wrong both ways: an unexpected pass and an unexpected failure. */
function wrongScenario(): string {
  const path = join(dir, 'wrong.json');
  writeFileSync(
    path,
    JSON.stringify({
      name: 'wrong-expectations',
      controller: 'juju-1.24',
      client: 'reconnecting',
      clients: 1,
      versions: ['1.24.2'],
      weights: { deploy: 3, wait: 4 },
      expect: { 'no-surprise-upgrade': 'held', 'no-lost-work': 'violated' },
    }),
  );
  return path;
}

describe('upgrade-chaos qualify', () => {
  it("--json prints one object with every scenario and each property's expected and observed verdict; exits 0", async () => {
    const r = await cli('--target', 'sim', '--runs', '300', '--seed', '1', '--json');
    // stderr says the seed and where the results are, then (off a terminal) a progress line every few seconds
    expect(r.stderr).toMatch(/^upgrade-chaos qualify: seed 1 \(--seed 1 repeats it\), target sim$/m);
    expect(r.stderr).toMatch(/^upgrade-chaos qualify: results in /m);
    expect(r.stderr).not.toMatch(/error|failed/i);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['verdict', 'scenarios']);
    expect(report.verdict).toBe('pass');
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
    for (const [i, s] of report.scenarios.entries()) {
      expect(Object.keys(s)).toEqual(['name', 'target', 'properties']);
      expect(s.target).toBe('sim');
      expect(Object.keys(s.properties).sort()).toEqual(Object.keys(SCENARIOS[i]!.expect).sort());
      for (const [property, v] of Object.entries<Record<string, unknown>>(s.properties)) {
        expect(Object.keys(v)).toEqual(['expected', 'observed', 'runs', 'replay']);
        expect(v.observed).toBe(v.expected);
        expect(v.expected).toBe(SCENARIOS[i]!.expect[property as keyof (typeof SCENARIOS)[number]['expect']]);
        if (v.observed === 'violated') {
          expect(v.replay).toMatch(
            new RegExp(
              `^npx upgrade-chaos replay --scenario ${s.name} --property ${property} --seed 1 --path "[\\d:]+"$`,
            ),
          );
          expect(v.runs).toBeLessThanOrEqual(300);
        } else {
          expect(v).toMatchObject({ replay: null, runs: 300 });
        }
      }
    }
  });

  it('prints the matrix and exits 1 when a verdict differs, an unexpected pass included', async () => {
    const r = await cli(
      '--scenario',
      wrongScenario(),
      '--scenario',
      'juju-1.22-implicit-upgrade',
      '--runs',
      '100',
      '--seed',
      '2',
      '--strategy',
      'coverage',
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /^scenario\s+no-work\s+watchers\s+deploys\s+requests\s+version\s+surprise\s+lost-work\s+watch-life\s+agent-life\s+upg-seq\s+backoff\s+apps\s+charm\s+runs\s+time$/m,
    );
    expect(r.stdout).toMatch(/^juju-1.22-implicit-upgrade\s+✓ violated\s+✓ violated\s+✓ violated\s+·/m);
    expect(r.stdout).toMatch(/✗ wrong-expectations × no-surprise-upgrade: expected held, observed violated/);
    expect(r.stdout).toMatch(
      /✗ wrong-expectations × no-lost-work: expected violated, observed held after 100 runs \(an unexpected pass/,
    );
    expect(r.stdout).toMatch(
      /npx upgrade-chaos replay --scenario juju-1.22-implicit-upgrade --strategy coverage --property \S+ --seed 2 --path/,
    );
    expect(r.stdout).toMatch(/^FAIL: 2 verdicts differ/m);
  });

  it('--stop-on-failure stops a scenario only at a violation it does not expect: expected ones are what qualify looks for', async () => {
    type Report = { verdict: string; scenarios: { name: string; properties: Record<string, { runs: number }> }[] };
    const common = ['--scenario', 'juju-1.22-implicit-upgrade', '--runs', '300', '--seed', '1', '--json'];
    const all = JSON.parse((await cli(...common)).stdout) as Report;
    const stopped = await cli(...common, '--stop-on-failure');
    // Every violation there is expected: nothing stops it, and it qualifies as without the flag.
    expect(JSON.parse(stopped.stdout)).toEqual(all);
    expect(all.verdict).toBe('pass');
    expect(stopped.exitCode).toBe(0);
  });

  it('--compare shows two controllers side by side and fails on a regression', async () => {
    const r = await cli(
      '--compare',
      'juju-1.24,juju-1.22',
      '--scenario',
      'juju-1.24-libjuju',
      '--runs',
      '200',
      '--seed',
      '1',
      '--json',
    );
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['verdict', 'old', 'new', 'scenarios']);
    const libjuju = report.scenarios[0].properties;
    // Going back from 1.24 to 1.22 loses the gated API: work accepted mid-upgrade is a regression.
    expect(libjuju['no-work-before-upgrade']).toMatchObject({ old: 0, attempts: 200 });
    expect(libjuju['no-work-before-upgrade'].new).toBeGreaterThan(0);
    // ...and on 1.24 libjuju still gives up in the implicit upgrade, its deploys failed.
    expect(libjuju['deployments-complete'].old).toBeGreaterThan(0);
    expect(report.verdict).toBe('fail');
    expect(r.exitCode).toBe(1);
  });

  it.each([
    [['--target', 'nowhere'], /unknown target "nowhere"/],
    [['--strategy', 'psychic'], /unknown strategy "psychic" \(known: random, coverage\)/],
    [['--compare', 'juju-1.22'], /--compare needs two controller profiles/],
    [['--compare', 'juju-1.22,juju-9'], /unknown controller profile "juju-9"/],
    [['--runs', '0'], /--runs must be between 1/],
    [['--scenario', 'nope'], /unknown scenario "nope"/],
  ])('bad input %j exits 2 with a one-line error', async (args, message) => {
    const r = await cli(...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
