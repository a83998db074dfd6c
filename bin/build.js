#!/usr/bin/env node
// `npm run build` (also run by `prepare`, so `npm ci` in a fresh clone builds): the JavaScript of
// every entry into dist/ (bundle.js), then the type declarations of the public API into dist/types
// (tsc, tsconfig.build.json), with relative `.ts` specifiers rewritten to `.js` so they resolve.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildEntries, ROOT } from './bundle.js';

const types = join(ROOT, 'dist', 'types');
rmSync(types, { recursive: true, force: true });
await buildEntries();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const entry of readdirSync(types, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const path = join(entry.parentPath, entry.name);
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.replace(/(from\s+'|import\(')(\.{1,2}\/[^']*?)\.ts'/g, "$1$2.js'"));
}
