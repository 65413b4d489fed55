/**
 * The slides, built as the presenter builds them and opened in a real
 * browser: every slide is shown in turn and must fit its 16:9 box, every
 * picture must load, nothing may log an error. Every scenario of the course
 * has its section, with its figures. Screenshots of a few slides are saved
 * for a person to look at.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { assembleDeck, DECK_FILE, deckScenarios, fixDiff } from '../slides/assemble.ts';
import { buildDeck } from '../slides/build.ts';
import { FIGURES_DIR, measureKind, readDeckFigures, SLIDES_DIR } from '../slides/figures-data.ts';
import { figureFiles } from '../slides/svg.ts';
import { launchBrowser, SCREENSHOTS_DIR } from './browser.ts';
import { scratchTempDir } from './helpers.ts';

const temp = scratchTempDir();
afterAll(() => temp.remove());

/** Text as the kit writes it: a checkout that turned LF into CRLF has not changed a slide. */
const lf = (text: string): string => text.replaceAll('\r\n', '\n');

test('the committed deck and its figures are what the sources and figures.json make, with a section for every scenario', () => {
  const deck = assembleDeck();
  expect(lf(readFileSync(DECK_FILE, 'utf8')), 'slides/deck.md is out of date: run npm run slides:assemble').toBe(lf(deck));
  const figures = readDeckFigures();
  for (const [file, svg] of figureFiles(Object.values(figures?.scenarios ?? {}))) {
    expect(lf(readFileSync(path.join(FIGURES_DIR, file), 'utf8')), `slides/figures/${file} is out of date: run npm run slides:assemble`).toBe(lf(svg));
  }
  for (const scenario of deckScenarios()) {
    const recorded = figures?.scenarios[scenario.folder];
    expect(recorded, `no figures for ${scenario.folder}: run npm run slides:figures ${Number(scenario.number)}`).toBeDefined();
    expect(deck).toContain(`# ${scenario.number} · ${scenario.title}`);
    expect(deck).toContain(`figures/${recorded!.memoryFigure}`);
    // What the heap diff cannot see is drawn as its instrument read it, never an empty retainer-path slide.
    for (const measure of recorded!.measures.filter((candidate) => ['peak', 'resources'].includes(measureKind(candidate)))) {
      expect(measure.measureFigure, `${scenario.folder}: "${measure.name}" has no figure`).toBeDefined();
      expect(deck).toContain(`figures/${measure.measureFigure}`);
    }
    // Leaky fails and fixed passes, or the figures tell the wrong story.
    expect([recorded!.leakyStatus, recorded!.fixedStatus]).toEqual(['fail', 'pass']);
  }
});

test('a scenario without figures stops the deck with the command that makes them', () => {
  const first = deckScenarios()[0]!;
  expect(() => assembleDeck({ scenarios: {} })).toThrow(`npm run slides:figures ${Number(first.number)}`);
});

test('the fix is shown as the lines that differ, removals first', () => {
  expect(fixDiff('a\nb\nc\nd\n', 'a\nB\nc\nd\n')).toBe('@@ line 1 @@\n a\n-b\n+B\n c');
  expect(fixDiff('a\nb\nc\nd\ne\n', 'a\nb\nc\nd\ne\nf\n')).toBe('@@ line 5 @@\n e\n+f');
});

test('the deck builds and every slide renders in Chromium: no overflow, no missing picture, no error', async () => {
  const started = performance.now();
  const { html } = await buildDeck({ pdf: false, outDir: path.join(temp.dir, 'deck') });
  const buildMs = performance.now() - started;

  const { browser, close } = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`could not load ${request.url()}: ${request.failure()?.errorText}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) problems.push(`fetched ${request.url()}`);
    });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });

    const slides = page.locator('svg[data-marpit-svg] > foreignObject > section');
    const count = await slides.count();
    expect(count).toBeGreaterThan(20);

    // Every picture of the deck, shown or not, has loaded and has a size.
    const images = await page.locator('section img').evaluateAll((elements) =>
      (elements as HTMLImageElement[]).map((image) => ({ src: image.getAttribute('src'), width: image.naturalWidth, complete: image.complete })),
    );
    const figures = readDeckFigures()!;
    const diagrams = readdirSync(path.join(SLIDES_DIR, 'diagrams')).length;
    const charts = deckScenarios().map((scenario) => figures.scenarios[scenario.folder]!);
    // Per scenario: its chart, one retainer path (the slide shows one where measures share a leak), each instrument's figure.
    const perScenario = (chart: (typeof charts)[number]) =>
      1 + Math.min(1, chart.measures.filter((measure) => measure.pathFigure).length) + chart.measures.filter((measure) => measure.measureFigure).length;
    expect(images.length).toBe(diagrams + charts.reduce((sum, chart) => sum + perScenario(chart), 0));
    expect(images.filter((image) => !image.complete || image.width === 0)).toEqual([]);

    const overflowing: string[] = [];
    const screenshots = new Map<number, string>();
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    for (let index = 0; index < count; index++) {
      // The bespoke template shows one slide at a time; its URL hash says which.
      if (index > 0) await page.keyboard.press('ArrowRight');
      const active = page.locator('svg[data-marpit-svg].bespoke-marp-active > foreignObject > section');
      await expect.poll(() => active.getAttribute('id')).toBe(String(index + 1));
      const fit = await active.evaluate((section) => {
        const box = section.getBoundingClientRect();
        const scale = box.width / section.clientWidth;
        const outside = Array.from(section.querySelectorAll('h1, h2, p, li, pre, table, img, div'))
          .filter((element) => !element.closest('header, footer'))
          .map((element) => ({ element, rect: element.getBoundingClientRect() }))
          .filter(({ rect }) => rect.width > 0 && (rect.top < box.top - 1 || rect.bottom > box.bottom + 1 || rect.right > box.right + 1 || rect.left < box.left - 1))
          .map(({ element }) => `${element.tagName.toLowerCase()} "${(element.textContent ?? element.getAttribute('src') ?? '').trim().slice(0, 40)}"`);
        return {
          heading: section.querySelector('h1, h2')?.textContent?.trim() ?? '',
          tooTall: section.scrollHeight > section.clientHeight + 1,
          tooWide: section.scrollWidth > section.clientWidth + 1,
          scale,
          outside,
        };
      });
      if (fit.tooTall || fit.tooWide || fit.outside.length) {
        overflowing.push(`slide ${index + 1} "${fit.heading}": ${[fit.tooTall ? 'too tall' : '', fit.tooWide ? 'too wide' : '', ...fit.outside].filter(Boolean).join(', ')}`);
      }
      const name = screenshotName(fit.heading);
      if (name && !screenshots.has(index)) {
        screenshots.set(index, name);
        await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `slides-${String(index + 1).padStart(2, '0')}-${name}.png`) });
      }
    }
    expect(overflowing).toEqual([]);
    expect(problems).toEqual([]);
    expect(screenshots.size).toBeGreaterThanOrEqual(4);
    console.log(`slides: built in ${(buildMs / 1000).toFixed(1)} s, ${count} slides rendered`);
  } finally {
    await close();
  }
});

/** The slides worth a look: the title, a Part 1 diagram, and the first scenario's chart, path and fix. */
function screenshotName(heading: string): string | null {
  const first = deckScenarios()[0]!.number;
  if (heading.startsWith('Memory problems')) return 'title';
  if (heading.startsWith('Why a Map entry')) return 'map-buffer';
  if (heading === `${first} · Memory over the check`) return 'memory';
  if (heading === `${first} · Why it stays`) return 'retainer-path';
  if (heading === `${first} · The fix`) return 'fix';
  return null;
}
