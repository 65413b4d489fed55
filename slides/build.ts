/**
 * `npm run slides:build`: assemble the deck, then let marp write it as one
 * static HTML file into slides/dist/ (git-ignored), with the figures and
 * diagrams copied beside it so the folder opens anywhere, offline. Where a
 * Chromium is installed (/usr/bin/chromium, or CHROMIUM_PATH / CHROME_PATH),
 * a PDF too. `npm run slides` serves the deck with marp's server instead:
 * press `p` in the browser for the presenter view and its speaker notes.
 */
import { findBrowser } from '../checker/browsers.ts';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { marpCli } from '@marp-team/marp-cli';
import { assembleDeck, writeDeck } from './assemble.ts';
import { SLIDES_DIR } from './figures-data.ts';

export const DIST_DIR = path.join(SLIDES_DIR, 'dist');

/** The browser marp may use for the PDF, if there is one. */
export function chromiumPath(): string | null {
  if (process.env.CHROME_PATH) return existsSync(process.env.CHROME_PATH) ? process.env.CHROME_PATH : null;
  return findBrowser();
}

/** The deck's theme; inline HTML (the figure captions) is the deck's own; local files are the figures. */
const MARP_OPTIONS = ['--theme-set', path.join(SLIDES_DIR, 'theme.css'), '--html', '--allow-local-files', '--no-config-file'];

/**
 * Write the deck into `outDir` (emptied first): index.html, its pictures, and
 * forgotten-garbage.pdf when asked and possible. Built from the sources as
 * they are; slides/ itself is left alone.
 */
export async function buildDeck(options: { pdf: boolean; outDir?: string }): Promise<{ html: string; pdf: string | null }> {
  const outDir = options.outDir ?? DIST_DIR;
  const html = path.join(outDir, 'index.html');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // The deck and its pictures side by side in outDir, so relative paths hold there as in slides/.
  const deck = path.join(outDir, 'deck.md');
  writeFileSync(deck, assembleDeck());
  for (const folder of ['figures', 'diagrams']) {
    cpSync(path.join(SLIDES_DIR, folder), path.join(outDir, folder), { recursive: true, filter: (file) => !file.endsWith('.json') });
  }
  if ((await marpCli([deck, ...MARP_OPTIONS, '-o', html])) !== 0) throw new Error('marp could not build the HTML deck (its messages are above).');

  const browser = options.pdf ? chromiumPath() : null;
  if (!browser) return { html, pdf: null };
  // As root (containers, CI) Chromium refuses to start without --no-sandbox; marp reads CHROME_NO_SANDBOX.
  process.env.CHROME_NO_SANDBOX ??= '1';
  const pdf = path.join(outDir, 'forgotten-garbage.pdf');
  if ((await marpCli([deck, ...MARP_OPTIONS, '--pdf', '--browser-path', browser, '-o', pdf])) !== 0) {
    throw new Error('marp could not write the PDF (its messages are above).');
  }
  return { html, pdf };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const wantPdf = !process.argv.includes('--no-pdf');
  Promise.resolve()
    .then(() => {
      // The committed deck and figures follow the sources too.
      writeDeck();
      return buildDeck({ pdf: wantPdf });
    })
    .then(
      ({ html, pdf }) => {
        const relative = (file: string) => path.relative(process.cwd(), file);
        const noPdf = wantPdf ? ' (no PDF: no Chromium found; set CHROMIUM_PATH)' : '';
        console.log(`The deck: ${relative(html)}${pdf ? ` and ${relative(pdf)}` : noPdf}, in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
      },
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
      },
    );
}
