// Bundles a TypeScript entry point of the project with esbuild into dist/, rebuilding only when a
// source file is newer than the bundle. Why not run through tsx: tsx always compiles with esbuild's
// keepNames, which wraps every closure the sim creates and halves its speed.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['harness', 'properties', 'scenarios', 'reports', 'bench'];

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

/** Entries every bundle may start as worker threads (harness/workers/worker-entry.ts finds them
 *  next to itself under these names): built with any bundle. */
const WORKER_ENTRIES = ['harness/workers/sim-worker.ts'];

const bundlePath = (entry) => join(ROOT, 'dist', relative('.', entry).replace(/\.ts$/, '.mjs').replaceAll('/', '__'));

/** Returns the path of a fresh bundle of `entry` (relative to the project), or undefined when it
 *  cannot be built here (no esbuild, read-only install): the caller then falls back to tsx. */
export async function freshBundle(entry) {
  const newest = newestSource();
  for (const worker of WORKER_ENTRIES) if (!(await build(worker, newest))) return undefined;
  return build(entry, newest);
}

async function build(entry, newest) {
  const out = bundlePath(entry);
  if (mtime(out) >= newest) return out;
  try {
    const esbuild = await import('esbuild');
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
    renameSync(tmp, out); // atomic: concurrent runs never see half a bundle
    return out;
  } catch {
    return undefined;
  }
}
