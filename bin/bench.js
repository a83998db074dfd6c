#!/usr/bin/env node
// `npm run bench`: the bench bundled like the CLI (bundle.js), so it measures what users run.
import { buildEntries, freshBundle } from './bundle.js';

process.setSourceMapsEnabled(true);
await buildEntries({ onlyIfStale: true }); // the entries the bench starts as threads (sim-worker.js)
const bundle = await freshBundle('bench/run.ts');
if (!bundle) throw new Error('cannot bundle bench/run.ts (is esbuild installed?)');
await import(bundle);
