/**
 * Where a browser for the HTML report and the slides usually is. The kit
 * downloads none (attendees are on conference Wi-Fi): it uses the one the
 * laptop has, or the one CHROMIUM_PATH names.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const home = os.homedir();
const localAppData = process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local');
const programFiles = [process.env.PROGRAMFILES ?? 'C:\\Program Files', process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)'];

/**
 * Where a Chromium, Chrome or Edge usually is: Linux (Debian's package first,
 * snap's, Google's and Microsoft's packages), macOS (system-wide and per-user
 * Applications), Windows (system-wide and per-user installs).
 */
export const BROWSER_PLACES: readonly string[] = [
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

/** The browser to use here, or null when none is where browsers usually are. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  return BROWSER_PLACES.find((place) => existsSync(place)) ?? null;
}
