#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
process.on('SIGINT', () => process.exit(130));
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
