/**
 * The controller server's container image, built here from what the machine has: no registry is
 * needed. The root filesystem holds this node binary, the shared libraries `ldd` says it loads, and
 * the controller server bundled into one file with its npm packages; `docker import` turns it into
 * an image. Its tag carries a hash of those files, so it is built once and reused until the server
 * (or node) changes. Users with a registry pass `--image NAME` instead.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../paths.ts';
import { TargetError } from '../../errors.ts';

export const IMAGE_REPOSITORY = 'upgrade-chaos-controller';
/** Where the server bundle sits in the image. */
export const SERVER_IN_IMAGE = '/app/server.mjs';

export interface BuiltImage {
  name: string;
  /** false when an image with this content was there already. */
  built: boolean;
  ms: number;
}

export interface ImageOptions {
  /** Build even when the image exists, under a throwaway tag removed at once: what a first build
   *  costs, measured without touching the cached image (the bench). */
  measureBuild?: boolean;
}

/** The image for this checkout's server, built unless one with the same content exists. */
export async function controllerImage(options: ImageOptions = {}): Promise<BuiltImage> {
  const start = performance.now();
  const staging = mkdtempSync(join(tmpdir(), 'upgrade-chaos-image-'));
  try {
    const server = join(staging, 'server.mjs');
    await bundleServer(server);
    const libraries = await sharedLibraries(process.execPath);
    const hash = contentHash(server, [process.execPath, ...libraries]);
    const name = `${IMAGE_REPOSITORY}:${options.measureBuild ? `measure-${hash}` : hash}`;
    if (!options.measureBuild && (await imageExists(name)))
      return { name, built: false, ms: Math.round(performance.now() - start) };
    const rootfs = join(staging, 'rootfs');
    for (const file of [process.execPath, ...libraries]) place(file, join(rootfs, file));
    place(process.execPath, join(rootfs, '/usr/local/bin/node'));
    place(server, join(rootfs, SERVER_IN_IMAGE));
    mkdirSync(join(rootfs, 'tmp'), { recursive: true });
    await dockerImport(rootfs, name);
    const ms = Math.round(performance.now() - start);
    if (options.measureBuild) await execa('docker', ['rmi', name], { reject: false });
    return { name, built: true, ms };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The server entry with every npm package inside: the image has no node_modules. */
async function bundleServer(out: string): Promise<void> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new TargetError(
      'building the controller image needs esbuild (a checkout with its devDependencies), or pass --image NAME',
    );
  }
  await esbuild.build({
    entryPoints: [join(PROJECT_ROOT, 'harness/wire/server-main.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // ws loads these optional native helpers when present; the image goes without.
    external: ['bufferutil', 'utf-8-validate'],
    // Bundled CommonJS packages still call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
}

/** The absolute paths `ldd` lists for a binary (the dynamic loader included). */
async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await execa('ldd', [binary]);
  const paths = stdout
    .split('\n')
    .map((line) => /(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined);
  return [...new Set(paths)];
}

/** The server bundle's bytes, and for node and its libraries their path, size and time (hashing
 *  a 100 MB binary on every run would cost more than it tells). */
function contentHash(server: string, files: string[]): string {
  const hash = createHash('sha256').update(readFileSync(server));
  for (const f of files) {
    const s = statSync(f);
    hash.update(`${f}\0${s.size}\0${s.mtimeMs}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

function place(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

async function imageExists(name: string): Promise<boolean> {
  const r = await execa('docker', ['image', 'inspect', name], { reject: false, stdio: 'ignore' });
  return r.exitCode === 0;
}

async function dockerImport(rootfs: string, name: string): Promise<void> {
  const tarball = `${rootfs}.tar`;
  await execa('tar', ['-C', rootfs, '-cf', tarball, '.']);
  const entrypoint = JSON.stringify(['/usr/local/bin/node', SERVER_IN_IMAGE]);
  const result = await execa('docker', ['import', '--change', `ENTRYPOINT ${entrypoint}`, tarball, name], {
    reject: false,
  });
  if (result.exitCode !== 0)
    throw new TargetError(`docker import of the controller image failed: ${result.stderr.trim()}`);
}
