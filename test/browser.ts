/**
 * A real browser for the pages people look at: Debian's chromium (or the one
 * CHROMIUM_PATH names), headless, driven by playwright-core. `.ci/run`
 * installs it; without it these tests fail and say how to get it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A fresh profile each time, deleted on close. */
export async function launchBrowser(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser at ${CHROMIUM}. Install Debian's chromium (apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
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
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where tests save screenshots for a person to look at (git-ignored). */
export const SCREENSHOTS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '.forgotten-garbage', 'screenshots');
