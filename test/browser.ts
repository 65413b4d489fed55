/**
 * A real browser for the pages people look at: Debian's chromium (or the one
 * CHROMIUM_PATH names), headless, driven by playwright-core. `.ci/run`
 * installs it; without it these tests fail and say how to get it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where a Chromium or Chrome usually is, on Linux (Debian's package first), macOS and Windows. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
];

export const CHROMIUM = process.env.CHROMIUM_PATH ?? CANDIDATES.find((candidate) => existsSync(candidate)) ?? '/usr/bin/chromium';

/** A fresh profile each time, deleted on close. */
export async function launchBrowser(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser found (looked for Chromium, Chrome and Edge where they usually are). Install Debian's chromium (apt-get install chromium) or Chrome, or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
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
