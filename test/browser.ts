/**
 * A real browser for the pages people look at: Chromium, Chrome or Edge where
 * they are usually installed (or the one CHROMIUM_PATH names), headless, driven by playwright-core. `.ci/run`
 * installs it; without it these tests fail and say how to get it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { BROWSER_PLACES, findBrowser } from '../checker/browsers.ts';

export const CHROMIUM = findBrowser() ?? '/usr/bin/chromium';

/** A fresh profile each time, deleted on close. */
export async function launchBrowser(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser found (looked for Chromium, Chrome and Edge in ${BROWSER_PLACES.length} places where they usually are). Install Debian's chromium (apt-get install chromium) or Chrome, or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'fg-browser-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      // A browser that has just quit may still hold its profile's files on Windows.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** Where tests save screenshots for a person to look at (git-ignored). */
export const SCREENSHOTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.forgotten-garbage', 'screenshots');
