// Builds the package's JavaScript with esbuild: every entry point in ENTRIES becomes one
// self-contained file in dist/ (npm packages stay external). `npm run build` (bin/build.js) calls
// it once, with the type declarations; the upgrade-chaos command calls it from a checkout, where it
// rebuilds only when a source file is newer than the build, so a developer never runs stale code.
// Why a bundle and not tsx: tsx always compiles with esbuild's keepNames, which wraps every closure
// the sim creates and halves its speed.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['harness', 'properties', 'scenarios', 'reports', 'bench'];

/** dist/<name>.js from each source: the library, the CLI, and the entries run as processes or
 *  threads of their own (they find their file next to the bundle that starts them: harness/paths.ts). */
export const ENTRIES = {
  index: 'harness/index.ts',
  cli: 'harness/cli/main.ts',
  'server-main': 'harness/wire/server-main.ts',
  'sim-worker': 'harness/workers/sim-worker.ts',
  'sim-prestart': 'harness/cli/prestart-workers.ts',
};

function newestSource() {
  let newest = statSync(join(ROOT, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  return newest;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** Bundles one entry into `out`, atomically: concurrent runs never see half a bundle. */
async function bundleOne(esbuild, entry, out) {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  renameSync(tmp, out);
}

/** Builds every entry of ENTRIES into dist/ (when `onlyIfStale`, only if a source is newer). */
export async function buildEntries({ onlyIfStale = false } = {}) {
  const outs = Object.keys(ENTRIES).map((name) => join(ROOT, 'dist', `${name}.js`));
  if (onlyIfStale && Math.min(...outs.map(mtime)) >= newestSource()) return;
  const esbuild = await import('esbuild');
  await Promise.all(
    Object.entries(ENTRIES).map(([name, entry]) => bundleOne(esbuild, entry, join(ROOT, 'dist', `${name}.js`))),
  );
}

/** The path of a fresh bundle of any other `entry` (bench, soak), rebuilt when a source is newer. */
export async function freshBundle(entry) {
  await buildEntries({ onlyIfStale: true }); // the processes it starts run dist/ entries
  const out = join(ROOT, 'dist', relative('.', entry).replace(/\.ts$/, '.mjs').replaceAll('/', '__'));
  if (mtime(out) >= newestSource()) return out;
  await bundleOne(await import('esbuild'), entry, out);
  return out;
}
