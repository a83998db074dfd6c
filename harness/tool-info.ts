/** Which upgrade-chaos made a report: the package version, and the git commit when run from a checkout. */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths.ts';
import type { ToolInfo } from './failure-record.ts';

let cached: ToolInfo | undefined;

export function toolInfo(): ToolInfo {
  cached ??= { version: packageVersion(), ...commitField() };
  return cached;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The checkout's commit; none for an installed package (no .git) or where git is missing. */
function commitField(): { commit?: string } {
  try {
    const [top, commit] = execFileSync('git', ['rev-parse', '--show-toplevel', 'HEAD'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    })
      .trim()
      .split('\n');
    // Installed under someone else's checkout, git would answer with their commit.
    if (top === undefined || realpathSync(top) !== realpathSync(PROJECT_ROOT)) return {};
    return commit && /^[0-9a-f]{40}$/.test(commit) ? { commit } : {};
  } catch {
    return {};
  }
}
