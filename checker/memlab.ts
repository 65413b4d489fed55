/**
 * memlab's core, as the kit uses it: to read heap snapshots of Node processes.
 *
 * When it loads, memlab's config reads puppeteer's table of phone screens
 * (`KnownDevices`, for the browser runs memlab drives): loading puppeteer for
 * it takes ≈ 330 ms of CPU, on every check, for a table no snapshot of a Node
 * process needs. The module cache (`require.cache`, which Node lets a program
 * fill) is given an empty table in puppeteer's place first, for this process
 * only; a memlab that lays its files out otherwise loads puppeteer itself.
 */
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import type Core from '@memlab/core';

const require = createRequire(import.meta.url);

function withoutBrowser(): void {
  try {
    const config = path.join(path.dirname(require.resolve('@memlab/core')), 'lib', 'Config.js');
    const puppeteer = createRequire(config).resolve('puppeteer');
    if (require.cache[puppeteer]) return;
    const stand = new Module(puppeteer);
    stand.filename = puppeteer;
    stand.loaded = true;
    stand.exports = { KnownDevices: {} };
    require.cache[puppeteer] = stand;
  } catch {
    // memlab finds its own way.
  }
}

withoutBrowser();
const core = require('@memlab/core') as typeof Core;
export default core;
