#!/usr/bin/env node
// The upgrade-chaos command: a shim over the compiled CLI (dist/cli.js). In a checkout (the
// TypeScript sources are next to it) it first rebuilds dist/ when a source is newer, so a
// developer's edits always run; an installed package has no sources and runs dist/ as shipped.
import { existsSync } from 'node:fs';

process.setSourceMapsEnabled(true);
if (existsSync(new URL('../harness/cli/main.ts', import.meta.url))) {
  const { buildEntries } = await import('./bundle.js');
  await buildEntries({ onlyIfStale: true });
}
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
