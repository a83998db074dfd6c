#!/usr/bin/env node
// `npm run soak -- --minutes N`: the soak test (bench/soak.ts), bundled like the CLI (bundle.js).
import { freshBundle } from './bundle.js';

process.setSourceMapsEnabled(true);
await import(await freshBundle('bench/soak.ts'));
