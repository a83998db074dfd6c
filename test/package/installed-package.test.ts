/**
 * The package as a user installs it: `npm pack` (which builds through `prepare`), the tarball
 * unpacked into an empty project, and used from plain Node (import and the bin), from TypeScript
 * (the .d.ts files) and from vitest. Offline: the project's dependencies are links to this
 * checkout's node_modules, one for each runtime dependency package.json declares, and no more, so
 * an import of an undeclared package fails here as it would for a user.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const work = mkdtempSync(join(tmpdir(), 'upgrade-chaos-pack-'));
const project = join(work, 'project');
const installed = join(project, 'node_modules', 'upgrade-chaos');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function link(name: string): void {
  const at = join(project, 'node_modules', name);
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', name), at, 'dir');
}

beforeAll(async () => {
  const pack = await execa('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: ROOT });
  const tarball = join(work, pack.stdout.trim().split('\n').at(-1)!);
  mkdirSync(installed, { recursive: true });
  await execa('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  for (const dependency of Object.keys(MANIFEST.dependencies)) link(dependency);
}, 180_000);

describe('the packed package, installed into an empty project', () => {
  it('ships compiled JavaScript and declarations, no TypeScript sources, and imports only declared packages', () => {
    const files = readdirSync(installed, { recursive: true }).map(String);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/cli.js', 'dist/server-main.js']));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    for (const bundle of ['index.js', 'cli.js', 'server-main.js']) {
      const text = readFileSync(join(installed, 'dist', bundle), 'utf8');
      const imported = [...text.matchAll(/(?:from |import\()"([^".][^"]*)"/g)].map((m) => m[1]!);
      const packages = imported
        .filter((s) => !s.startsWith('node:'))
        .map((s) =>
          s
            .split('/')
            .slice(0, s.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      for (const name of packages)
        expect(Object.keys(MANIFEST.dependencies), `${bundle} imports ${name}`).toContain(name);
    }
  });

  it('works from plain Node: import the API and run the bin', async () => {
    const script = `
      import { resolveRun, runSim, scenarioByName, withBootstrap } from 'upgrade-chaos';
      const config = resolveRun(scenarioByName('juju-1.22-implicit-upgrade'));
      const run = runSim(config, withBootstrap([{ kind: 'wait', durationMs: 60000 }]), 1);
      console.log(JSON.stringify({ records: run.history.length }));`;
    const api = await execa('node', ['--input-type=module', '-e', script], { cwd: project });
    expect(JSON.parse(api.stdout).records).toBeGreaterThan(0);

    const bin = join(installed, 'bin', 'upgrade-chaos.js');
    const run = await execa('node', [bin, 'run', '--scenario', 'juju-1.24-gated-api', '--runs', '20', '--seed', '1'], {
      cwd: project,
      reject: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readdirSync(installed)).not.toContain('harness'); // nothing bundled into the install
  });

  it('type-checks a user file against the shipped declarations', async () => {
    link('typescript');
    link('@types/node');
    writeFileSync(
      join(project, 'check.ts'),
      `import { resolveRun, scenarioByName, type RunConfig } from 'upgrade-chaos';
       const config: RunConfig = resolveRun(scenarioByName('juju-1.24-gated-api')!);
       // @ts-expect-error a scenario is not a number
       const wrong: number = config.scenario;
       export { wrong };`,
    );
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const options = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--types',
      'node',
    ];
    const r = await execa('node', [tsc, ...options, 'check.ts'], { cwd: project, reject: false });
    expect(r.exitCode, r.stdout).toBe(0);
  }, 180_000); // tsc on a loaded machine

  it('works from vitest in the user project', async () => {
    link('vitest');
    writeFileSync(
      join(project, 'user.test.js'),
      `import fc from 'fast-check';
       import { expect, test } from 'vitest';
       import { caseArbitrary, resolveRun, runSim, scenarioByName } from 'upgrade-chaos';
       test('the reconnecting client survives the 1.24 upgrade', () => {
         const config = resolveRun(scenarioByName('juju-1.24-gated-api'), { client: 'reconnecting' });
         fc.assert(fc.property(caseArbitrary(config, {}), ([plan, seed]) => runSim(config, plan, seed).violations.length === 0), { numRuns: 20, seed: 1 });
         expect(config.scenario.name).toBe('juju-1.24-gated-api');
       });`,
    );
    const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs');
    const r = await execa('node', [vitest, 'run', '--root', project, 'user.test.js'], { cwd: project, reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 passed/);
  });
});
