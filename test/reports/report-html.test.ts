/**
 * report.html opened as a person would: in headless Chromium (Debian's, driven by playwright-core).
 * Each failure's SVG timeline renders with a lane per client and one for the controller, requests,
 * the upgrade window and the violation marked, and the page fetches nothing. In CI (CI=true, where
 * .ci/run installs chromium) a missing browser fails the test; elsewhere it is skipped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIn, readSummary, workFolder } from './cli-helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const haveBrowser = existsSync(CHROMIUM);
if (process.env['CI'] === 'true' && !haveBrowser)
  throw new Error(`CI must have ${CHROMIUM} (.ci/run installs Debian's chromium): the report test may not skip there`);

const work = workFolder('html');
const report = join(work.dir, 'out');
let browser: Browser | undefined;

beforeAll(async () => {
  const r = await cliIn(work.dir)('run', '--runs', '300', '--seed', '5', '--no-corpus', '--report', report);
  expect(r.exitCode, r.stderr).toBe(0); // every verdict as expected: the violations are the expected ones
  if (haveBrowser) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  work.remove();
});

describe.skipIf(!haveBrowser)('report.html in headless Chromium', () => {
  it('draws one SVG timeline per failure, each with its lanes, requests and violations, fetching nothing', async () => {
    const summary = readSummary(report);
    const failures = summary.scenarios.flatMap((s) => s.failures);
    expect(failures.length).toBeGreaterThan(5);
    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const requested: string[] = [];
    page.on('request', (req) => requested.push(req.url()));
    await page.goto(`file://${join(report, 'report.html')}`);
    expect(requested).toEqual([`file://${join(report, 'report.html')}`]);

    await expect(page.locator('h1').textContent()).resolves.toMatch(/upgrade-chaos run: PASS/);
    expect(await page.locator('table.matrix tr').count()).toBe(summary.scenarios.length + 1);
    const timelines = page.locator('svg.timeline');
    expect(await timelines.count()).toBe(failures.length);
    for (const f of failures) {
      const svg = page.locator(`section#${cssId(f.id)} svg.timeline`);
      const box = await svg.boundingBox();
      expect(box && box.width > 500 && box.height > 60, f.id).toBe(true);
      const lanes = await svg.locator('g.lane').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-lane')));
      expect(lanes[0]).toBe('controller');
      expect(lanes.slice(1).every((l) => /^client-\d+$/.test(l ?? ''))).toBe(true);
      expect(await svg.locator('g.violation').count(), f.id).toBeGreaterThan(0);
      // the violation's mark is drawn where the violation happened: inside the plotted area
      const mark = await svg.locator('g.violation line').first().boundingBox();
      expect(mark!.x).toBeGreaterThanOrEqual(box!.x);
      expect(mark!.x).toBeLessThanOrEqual(box!.x + box!.width);
    }
    // the 1.22 implicit upgrade shows its upgrade window, and deploy requests as bars
    const implicit = failures.find((f) => f.id.startsWith('juju-1.22-implicit-upgrade.'))!;
    const svg = page.locator(`section#${cssId(implicit.id)} svg.timeline`);
    expect(await svg.locator('rect.upgrade-window').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.timeline rect.request').count()).toBeGreaterThan(0);
    await page.close();
  });
});

function cssId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`);
}
