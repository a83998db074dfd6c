/** Running the CLI the way a user does, in a folder of the test's own, and reading what it left. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Summary } from '../../reports/summary.ts';

export const BIN = join(import.meta.dirname, '../../bin/upgrade-chaos.js');

export function workFolder(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `upgrade-chaos-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function cliIn(dir: string) {
  return (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: dir });
}

export function readSummary(reportDir: string): Summary {
  return JSON.parse(readFileSync(join(reportDir, 'summary.json'), 'utf8')) as Summary;
}
