/**
 * What the harness started that must not outlive it: process groups (a --client-cmd program with
 * every process it forked) and temporary folders. Whoever starts one holds it here and releases it
 * when done; an interrupt releases everything still held (releaseAll), and so does the process's
 * exit, whatever causes it (a last, synchronous SIGKILL and rm), so nothing is left behind.
 */
import { rmSync } from 'node:fs';

const groups = new Set<number>();
const dirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** Holds the process group led by `pgid` (a child spawned detached) until releaseProcessGroup. */
export function holdProcessGroup(pgid: number): void {
  installExitHook();
  groups.add(pgid);
}

export function releaseProcessGroup(pgid: number): void {
  groups.delete(pgid);
}

/** Holds a temporary folder until releaseTempDir removes it. */
export function holdTempDir(path: string): string {
  installExitHook();
  dirs.add(path);
  return path;
}

/** Removes the folder and stops holding it. */
export function releaseTempDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
  dirs.delete(path);
}

/** Sends `signal` to every process of the group; false when none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // the whole group is gone
  }
}

/** Everything still held: SIGTERM to each group, SIGKILL to what is left after `graceMs`, and
 *  every folder removed. For an interrupt, before the process exits with 130. */
export async function releaseAll(graceMs = 2_000): Promise<void> {
  for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  while ([...groups].some((pgid) => signalGroup(pgid, 0)) && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  groups.clear();
  for (const dir of [...dirs]) releaseTempDir(dir);
}
