/**
 * docs/client-programs.md is the protocol reference for --client-cmd authors. Its facade table, the
 * calls the upgrade gate lets by, the error codes and the environment variables are checked against
 * the code here, so the page cannot drift from what the controller really offers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, FACADES } from '../../harness/controller/api-types.ts';
import { ALLOWED_WHILE_UPGRADING, SERVED_CALLS } from '../../harness/controller/api.ts';

const ROOT = join(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/client-programs.md'), 'utf8');

/** The table between the facades markers: facade -> [versions, calls]. */
function facadeTable(): Record<string, { versions: number[]; calls: string[] }> {
  const block = /<!-- facades:start -->\n([\s\S]*?)<!-- facades:end -->/.exec(DOC)?.[1];
  expect(block, 'the facades table and its markers').toBeDefined();
  const rows = block!
    .trim()
    .split('\n')
    .slice(2) // header and rule
    .map((line) => line.split('|').map((cell) => cell.trim()));
  return Object.fromEntries(
    rows.map(([, facade, versions, calls]) => [
      facade!,
      { versions: versions!.split(',').map(Number), calls: calls!.split(',').map((c) => c.trim()) },
    ]),
  );
}

describe('docs/client-programs.md', () => {
  it('lists every facade the controller serves, at the versions it serves, with the calls it answers', () => {
    const served: Record<string, { versions: number[]; calls: string[] }> = {};
    for (const [facade, versions] of Object.entries(FACADES)) served[facade] = { versions: [...versions], calls: [] };
    for (const call of SERVED_CALLS) {
      const [facade, method] = call.split('.');
      served[facade!]!.calls.push(method!);
    }
    expect(facadeTable()).toEqual(served);
  });

  it('names the calls served while an upgrade restricts the API, and every error code', () => {
    const gate = /only (`[A-Za-z.]+`(?:, `[A-Za-z.]+`)* and `[A-Za-z.]+`) are served/.exec(DOC)?.[1];
    expect(gate, 'the sentence naming the calls the gate lets by').toBeDefined();
    expect([...gate!.matchAll(/`([A-Za-z.]+)`/g)].map((m) => m[1]).sort()).toEqual([...ALLOWED_WHILE_UPGRADING].sort());
    for (const code of Object.values(ErrorCode)) expect(DOC, code).toContain(`\`${code}\``);
  });

  it('documents exactly the environment variables a program is given', () => {
    const source = readFileSync(join(ROOT, 'harness/clients/command-client.ts'), 'utf8');
    const given = new Set([...source.matchAll(/\b(UPGRADE_CHAOS_[A-Z_]+):/g)].map((m) => m[1]!));
    expect(given.size).toBeGreaterThan(6);
    const documented = new Set([...DOC.matchAll(/^\| `(UPGRADE_CHAOS_[A-Z_]+)` \|/gm)].map((m) => m[1]!));
    expect([...documented].sort()).toEqual([...given].sort());
  });
});
