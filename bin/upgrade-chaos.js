#!/usr/bin/env node
// The upgrade-chaos command. Runs a bundle of the TypeScript sources (rebuilt when they change, see
// bundle.js), or the sources themselves through tsx where no bundle can be written.
import { freshBundle } from './bundle.js';

process.setSourceMapsEnabled(true);
const bundle = await freshBundle('harness/cli/main.ts');
let main;
if (bundle) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../harness/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
