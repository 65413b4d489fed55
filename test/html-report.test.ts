/**
 * The HTML report, from a real check, opened in a real browser: the memory
 * chart and the retainer path are there, nothing is fetched, nothing logs an
 * error; a screenshot is saved for a person to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { SCENARIOS } from '../checker/course.ts';
import { renderHtmlReport } from '../checker/html-report.ts';
import { launchBrowser, SCREENSHOTS_DIR } from './browser.ts';
import { runCli, scratchTempDir, shippedServer } from './helpers.ts';

const temp = scratchTempDir();
afterAll(() => temp.remove());

test('a failing check writes a report whose chart and retainer path render in the browser without errors', async () => {
  const run = await runCli(['1', '--server', shippedServer(SCENARIOS[0]!), '--report', '--json'], temp.dir);
  expect(run.code).toBe(1);
  const report = (run.verdict as { report?: string }).report!;
  expect(report).toMatch(/\.html$/);
  const html = readFileSync(report, 'utf8');
  // Self-contained: nothing to fetch, so it opens offline.
  expect(html).not.toMatch(/<script|<link|src="http|href="http/);

  const { browser, close } = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 900, height: 1200 });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`fetched ${request.url()}`);
    });
    await page.goto(pathToFileURL(report).href);

    await expect(page.title()).resolves.toContain('FAIL');
    const chart = page.getByTestId('memory-chart');
    expect(await chart.locator('polyline').count()).toBe(4);
    const box = await chart.locator('svg').boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    // The traffic phase is drawn and labelled.
    expect(await chart.locator('text.phase', { hasText: 'traffic' }).count()).toBe(1);

    // One path for each failing measure that has one: the file bytes kept (what the cache's state gained besides its
    // files passes: the leaky server's leak is its files).
    const chains = page.getByTestId('retainer-path');
    expect(await chains.count()).toBe(1);
    const chain = chains.first();
    expect(await chain.locator('.box.root .name').textContent()).toBe('thumbnailCache');
    expect(await chain.locator('.box').count()).toBeGreaterThanOrEqual(3);
    await expect(page.locator('body').textContent()).resolves.toContain('npm run hint 1');

    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'report-01-fail.png'), fullPage: true });
    expect(problems).toEqual([]);
  } finally {
    await close();
  }
});

test('names from the server are shown as text, never as markup', () => {
  const html = renderHtmlReport({
    scenario: SCENARIOS[0]!,
    side: 'scenario',
    serverFile: 'scenarios/x/server.ts',
    when: new Date(0),
    nodeVersion: '20',
    verdict: {
      status: 'fail',
      breaches: ['<img src=x onerror=alert(1)>'],
      times: { start: 0, warmup: 0, traffic: 0, snapshots: 0, analysis: 0, contract: 0 },
      measures: [
        {
          name: 'bytes',
          unit: 'bytes',
          value: 10,
          bar: 1,
          passed: false,
          path: { root: { name: '<script>x</script>', description: 'd', label: 'Map', retainedBytes: 1 }, steps: [{ via: '"a"', label: '<b>', retainedBytes: 1 }] },
        },
        {
          name: 'descriptors',
          unit: 'objects',
          value: 2,
          bar: 0,
          passed: false,
          places: [{ count: 2, what: '<img src=y>.mp4', verb: 'opened', location: 'scenarios/x/server.ts:3:7' }],
        },
      ],
    },
  });
  expect(html).not.toContain('<script>');
  expect(html).not.toContain('<img');
  expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  // A failing measure's places are listed, as text.
  expect(html).toContain('<li>2 × &lt;img src=y&gt;.mp4, opened at scenarios/x/server.ts:3:7</li>');
});
