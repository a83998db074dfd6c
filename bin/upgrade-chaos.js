#!/usr/bin/env node
// The upgrade-chaos command: a shim over the compiled CLI (dist/cli.js). In a checkout (the
// TypeScript sources are next to it) it first rebuilds dist/ when a source is newer, so a
// developer's edits always run; an installed package has no sources and runs dist/ as shipped.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Half V8's default budget of bytecode TurboFan inlines into one function (920): a sim run's big
// functions inline so much that compiling them is most of the first seconds' background CPU, and
// every worker thread compiles them again. Measured on the gated scenario, bundled, at load 20-28
// (interleaved A/B): background-thread CPU of a cold 3,000- and 5,000-run exploration 1.8-2.2 s ->
// 1.3-1.6 s, runs per CPU second +2-16%, main thread and warm speed no worse. Read at each compile,
// so setting it here, before any of the CLI's code is compiled, covers the workers too.
setFlagsFromString('--max-inlined-bytecode-size-cumulative=460');
process.setSourceMapsEnabled(true);
if (existsSync(new URL('../harness/cli/main.ts', import.meta.url))) {
  const { buildEntries } = await import('./bundle.js');
  await buildEntries({ onlyIfStale: true });
}
// The sim workers the command will surely use, started now: they load their bundle while the
// command loads its own (harness/cli/prestart-workers.ts), so the first cases start ~0.3 s sooner.
const { prestartForCommand } = await import('../dist/sim-prestart.js');
prestartForCommand(process.argv.slice(2));
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
