/**
 * The controller server's container image, built here from what the machine has: no registry is
 * needed. The root filesystem holds this node binary, the shared libraries `ldd` says it loads, and
 * the controller server bundled into one file with its npm packages; `docker import` turns it into
 * an image. Its tag carries a hash of this checkout (its folder, on this host) and one of those files,
 * `upgrade-chaos-controller:<checkout>-<content>`, so it is built once and reused until the server (or
 * node) changes, and a checkout only ever removes its own tags. Users with a registry pass `--image NAME` instead.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../paths.ts';
import { TargetError } from '../../errors.ts';

export const IMAGE_REPOSITORY = 'upgrade-chaos-controller';
/** Every image this module builds carries this label: what pruning removes, and nothing else. */
export const IMAGE_LABEL = 'upgrade-chaos.image';
/** How the image is put together (its label, entrypoint, folders): a change here is a new image. */
const IMAGE_LAYOUT = 'layout 2: labelled';
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
  /** Told whether the image is reused or built (a build takes seconds): the CLI says it on stderr. */
  onStep?: (line: string) => void;
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
    const tag = `${checkoutId()}-${hash}`;
    const name = `${IMAGE_REPOSITORY}:${options.measureBuild ? `measure-${tag}` : tag}`;
    if (!options.measureBuild && ((await imageExists(name)) || (await tagSameContent(hash, name)))) {
      options.onStep?.(`reusing image ${name}`);
      return { name, built: false, ms: Math.round(performance.now() - start) };
    }
    options.onStep?.(`building image ${name} (docker import of node and the server; once per server change)`);
    const rootfs = join(staging, 'rootfs');
    for (const file of [process.execPath, ...libraries]) place(file, join(rootfs, file));
    place(process.execPath, join(rootfs, '/usr/local/bin/node'));
    place(server, join(rootfs, SERVER_IN_IMAGE));
    mkdirSync(join(rootfs, 'tmp'), { recursive: true });
    await dockerImport(rootfs, name);
    const ms = Math.round(performance.now() - start);
    if (options.measureBuild) await execa('docker', ['rmi', name], { reject: false });
    else await pruneImagesBut(name);
    return { name, built: true, ms };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * This checkout, on this host: the first part of its image tags. Two clones (or worktrees) sharing a
 * Docker engine have different ones, so neither prunes the other's images.
 */
export function checkoutId(): string {
  return createHash('sha256')
    .update(`${hostname()}\0${realpathSync(PROJECT_ROOT)}`)
    .digest('hex')
    .slice(0, 8);
}

/** Another checkout's image of the same content, tagged under `name` too: a tag costs nothing, and
 *  removing one tag of an image leaves it to the others. False when there is none. */
async function tagSameContent(hash: string, name: string): Promise<boolean> {
  const sameContent = (n: string): boolean =>
    (n.endsWith(`-${hash}`) || n.endsWith(`:${hash}`)) && !n.includes(':measure-');
  const same = (await listImages(IMAGE_REPOSITORY)).find(sameContent);
  return same !== undefined && (await execa('docker', ['tag', same, name], { reject: false })).exitCode === 0;
}

/** The `repository:tag` names of the images `docker images ARGS` lists (none when docker fails). */
async function listImages(...args: string[]): Promise<string[]> {
  const r = await execa('docker', ['images', ...args, '--format', '{{.Repository}}:{{.Tag}}'], { reject: false });
  return r.exitCode === 0 ? r.stdout.split('\n').filter((n) => n !== '' && !n.endsWith(':<none>')) : [];
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
  const hash = createHash('sha256').update(IMAGE_LAYOUT).update(readFileSync(server));
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
  const changes = ['--change', `ENTRYPOINT ${entrypoint}`, '--change', `LABEL ${IMAGE_LABEL}=controller`];
  const result = await execa('docker', ['import', ...changes, tarball, name], { reject: false });
  if (result.exitCode !== 0)
    throw new TargetError(`docker import of the controller image failed: ${result.stderr.trim()}`);
}

/** An image of this checkout built this recently may be another invocation's of it, about to be started. */
const PRUNE_MIN_AGE_MS = 10 * 60_000;

export interface PruneOptions {
  /** The repository whose images are pruned (default the controller's). */
  repository?: string;
  /** Whose tags are pruned: those that begin with `<checkout>-` (default this checkout's, checkoutId). */
  checkout?: string;
  /** Images younger than this are kept (default 10 minutes). */
  minAgeMs?: number;
}

/**
 * Removes this checkout's other controller images once a new one is built: each is 200 MB, and a tag
 * is only ever looked up by the content hash of the server that is current. Only tags of our
 * repository that carry our label and begin with this checkout's id are touched: another clone's
 * images on the same engine (or tags from before tags named their checkout) are never removed.
 * Kept: `keep`, images built in the last ten minutes (another invocation in this checkout may be
 * about to start one) and, as `docker rmi` without --force refuses them, images a container uses.
 * Removing a tag that another checkout's tag shares (tagSameContent) removes the tag only.
 * Returns what it removed.
 */
export async function pruneImagesBut(keep: string, options: PruneOptions = {}): Promise<string[]> {
  const repository = options.repository ?? IMAGE_REPOSITORY;
  const own = `${repository}:${options.checkout ?? checkoutId()}-`;
  const labelled = await listImages(repository, '--filter', `label=${IMAGE_LABEL}=controller`);
  const ours = labelled.filter((name) => name.startsWith(own) && name !== keep);
  const removed: string[] = [];
  const oldest = Date.now() - (options.minAgeMs ?? PRUNE_MIN_AGE_MS);
  for (const name of ours) {
    const created = await execa('docker', ['image', 'inspect', '--format', '{{.Created}}', name], { reject: false });
    if (created.exitCode !== 0 || !(Date.parse(created.stdout.trim()) <= oldest)) continue;
    if ((await execa('docker', ['rmi', name], { reject: false })).exitCode === 0) removed.push(name);
  }
  return removed;
}
