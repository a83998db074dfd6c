/**
 * The project's root folder, found from this module wherever it runs: from its source (harness/)
 * or from the bundle bin/ builds (dist/), so paths to files of the project never depend on which.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'upgrade-chaos'
    )
      return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the upgrade-chaos project above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/**
 * How to start one of the package's own entry points (bin/bundle.js ENTRIES) as a process or a
 * worker thread: from the sources (tests, tsx) the TypeScript file through tsx; from the build
 * (the CLI, an installed package) the compiled file next to the running bundle, so an installed
 * package never needs tsx or its sources.
 */
export function ownEntry(name: string, source: string): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { file: join(PROJECT_ROOT, source), execArgv: ['--import', 'tsx'] };
  return { file: join(dirname(here), `${name}.js`), execArgv: [] };
}
