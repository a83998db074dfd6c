import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { caseArbitrary } from '../../harness/case-params.ts';
import { explore } from '../../harness/explore.ts';
import { resolveRun } from '../../harness/run-config.ts';
import { loadScenarioFile } from '../../harness/scenario-file.ts';
import { scenarioJsonSchema } from '../../harness/scenario-schema.ts';
import { EVENT_KINDS, WEIGHT_KEYS } from '../../harness/plan.ts';

const dir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const valid = {
  name: 'my-team',
  controller: 'juju-1.24',
  client: 'libjuju-like',
  clients: 1,
  versions: ['1.24.2'],
  weights: { deploy: 3, wait: 4 },
  expect: { 'deployments-complete': 'held' },
};

describe('scenario files', () => {
  it('takes a $schema key (editors use it) and the shipped examples of the README', () => {
    expect(loadScenarioFile(file('s.json', { $schema: './scenario.schema.json', ...valid })).name).toBe('my-team');
  });

  it('ships a JSON Schema generated from the validator, up to date', () => {
    const committed = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../scenarios/scenario.schema.json'), 'utf8'),
    );
    expect(committed, 'run `npm run schema` and commit scenarios/scenario.schema.json').toEqual(scenarioJsonSchema());
    expect(committed.additionalProperties).toBe(false);
    // Every event kind a plan draws, on-activity (faults tied to a client's API activity),
    // upgrade-on-activity (upgrades tied to one) and remove-on-activity (an operator's removal tied
    // to a program's login after a lost watcher).
    expect(Object.keys(committed.properties.weights.properties)).toEqual(WEIGHT_KEYS);
    expect(WEIGHT_KEYS).toEqual([
      ...EVENT_KINDS.filter((k) => k !== 'bootstrap'),
      'on-activity',
      'upgrade-on-activity',
      'remove-on-activity',
    ]);
  });

  it('loads a scenario a team wrote, with defaults for what it leaves out, and runs it', () => {
    const scenario = loadScenarioFile(file('ok.json', valid));
    expect(scenario).toMatchObject({
      name: 'my-team',
      source: expect.stringContaining('ok.json'),
      maxEvents: 20,
      deadlines: { resumeMs: 30_000 },
    });
    const result = explore(resolveRun(scenario), { runs: 200, seed: 1 });
    expect(result.failures.map((f) => f.property)).toEqual(['deployments-complete']); // libjuju gives up on "upgrade in progress"
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['no name', { ...valid, name: undefined }, /"name" must be a non-empty string/],
    ['a bad version', { ...valid, versions: ['1.x'] }, /"versions.0" must be a version like "1.24.3", got "1.x"/],
    ['an unknown event kind', { ...valid, weights: { teleport: 1 } }, /unknown event kind "teleport"/],
    [
      'a negative weight',
      { ...valid, weights: { deploy: -1 } },
      /"weights.deploy" must be an integer from 0 to 1000, got -1/,
    ],
    ['an unknown property', { ...valid, expect: { nope: 'held' } }, /unknown property "nope"/],
    ['a bad verdict', { ...valid, expect: { 'watchers-resume': 'maybe' } }, /must be "held" or "violated"/],
    ['too many clients', { ...valid, clients: 99 }, /"clients" must be an integer from 1 to 16/],
    ['an unknown deadline', { ...valid, deadlines: { soon: 1 } }, /unknown key "soon"/],
    ['a misspelt key', { ...valid, weigths: { deploy: 1 } }, /unknown key "weigths"/],
    [
      'a missing expect and a misspelt key: both, in one line',
      { ...valid, expect: undefined, wieghts: { deploy: 1 } },
      /"expect" must name at least one property; unknown key "wieghts"$/,
    ],
    [
      'a misspelt nested key',
      { ...valid, controllerChanges: { agentVersionPn: '1.24.0' } },
      /unknown key "agentVersionPn"/,
    ],
    ['a fractional weight', { ...valid, weights: { deploy: 1.5 } }, /"weights.deploy" must be an integer/],
    ['a weight too big', { ...valid, weights: { deploy: 1e9 } }, /"weights.deploy" must be an integer from 0 to/],
    [
      'an infinite weight',
      '{"name":"x","controller":"juju-1.24","client":"reconnecting","expect":{"no-lost-work":"held"},"weights":{"deploy":1e309}}',
      /"weights.deploy" must be an integer/,
    ],
    ['empty weights', { ...valid, weights: {} }, /"weights" must give at least one event kind a weight above 0/],
    [
      'all-zero weights',
      { ...valid, weights: { deploy: 0, wait: 0 } },
      /"weights" must give at least one event kind a weight above 0/,
    ],
    [
      'a bad stream',
      { ...valid, controllerChanges: { streams: ['banana'] } },
      /"controllerChanges.streams.0" must be a version like "1.24.3", got "banana"/,
    ],
    ['a name that leaves the output folder', { ...valid, name: '../../escape' }, /"name" must be letters, digits/],
    ['a name with a slash', { ...valid, name: 'a/b' }, /"name" must be letters, digits/],
    [
      'a version-as-tested claim with no tested version',
      { ...valid, expect: { 'version-as-tested': 'held' } },
      /"expect.version-as-tested" needs "testedVersion"/,
    ],
  ])('rejects a file with %s in one line', (_what, content, message) => {
    expect(() => loadScenarioFile(file('bad.json', content))).toThrow(message);
  });

  it('accepts weights for removals, re-created watchers and chained upgrades, and generates them', () => {
    const weights = { deploy: 3, wait: 4, remove: 2, rewatch: 1, 'chained-upgrade': 1 };
    const scenario = loadScenarioFile(file('mix.json', { ...valid, weights, maxEvents: 40 }));
    expect(scenario.weights).toEqual(weights);
    const kinds = new Set<string>();
    const plans = fc.sample(caseArbitrary(resolveRun(scenario), {}), { numRuns: 50, seed: 1 });
    for (const [plan] of plans) for (const e of plan) kinds.add(e.kind);
    expect([...kinds].sort()).toEqual(['bootstrap', 'chained-upgrade', 'deploy', 'remove', 'rewatch', 'wait']);
  });

  it('checks controller changes against the profile when the run is resolved', () => {
    expect(() => loadScenarioFile(file('c1.json', { ...valid, controllerChanges: { api: 3 } }))).toThrow(
      /"controllerChanges.api" must be one of "open", "restricted"/,
    );
    expect(() => loadScenarioFile(file('c2.json', { ...valid, controllerChanges: { warpDrive: true } }))).toThrow(
      /unknown key "warpDrive"/,
    );
    const pinned = loadScenarioFile(file('c3.json', { ...valid, controllerChanges: { agentVersionPin: '1.24.0' } }));
    expect(resolveRun(pinned).controller.agentVersionPin).toBe('1.24.0');
  });
});

describe('controllerChanges under --controller', () => {
  it('applies the scenario set-up to the release chosen with --controller, as to its own', async () => {
    const { resolveRun } = await import('../../harness/run-config.ts');
    const { scenarioByName } = await import('../../scenarios/index.ts');
    const pinned = scenarioByName('juju-1.22-pinned-agent-version')!;
    const own = resolveRun(pinned);
    const other = resolveRun(pinned, { controller: 'juju-1.24' });
    expect(other.controller.name).toBe('juju-1.24');
    for (const key of Object.keys(pinned.controllerChanges!))
      expect((other.controller as unknown as Record<string, unknown>)[key], key).toEqual(
        (own.controller as unknown as Record<string, unknown>)[key],
      );
  });
});
