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

const home = os.homedir();
const localAppData = process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local');
const programFiles = [process.env.PROGRAMFILES ?? 'C:\\Program Files', process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)'];

/**
 * Where a Chromium, Chrome or Edge usually is: Linux (Debian's package first,
 * snap's, Google's and Microsoft's packages), macOS (system-wide and per-user
 * Applications), Windows (system-wide and per-user installs).
 */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/usr/bin/microsoft-edge',
  ...['/Applications', path.join(home, 'Applications')].flatMap((folder) => [
    path.join(folder, 'Google Chrome.app/Contents/MacOS/Google Chrome'),
    path.join(folder, 'Chromium.app/Contents/MacOS/Chromium'),
    path.join(folder, 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'),
  ]),
  ...[...programFiles, localAppData].flatMap((folder) => [
    path.win32.join(folder, 'Google\\Chrome\\Application\\chrome.exe'),
    path.win32.join(folder, 'Chromium\\Application\\chrome.exe'),
    path.win32.join(folder, 'Microsoft\\Edge\\Application\\msedge.exe'),
  ]),
];

export const CHROMIUM = process.env.CHROMIUM_PATH ?? CANDIDATES.find((candidate) => existsSync(candidate)) ?? '/usr/bin/chromium';

/** A fresh profile each time, deleted on close. */
export async function launchBrowser(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser found (looked for Chromium, Chrome and Edge in ${CANDIDATES.length} places where they usually are). Install Debian's chromium (apt-get install chromium) or Chrome, or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
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
