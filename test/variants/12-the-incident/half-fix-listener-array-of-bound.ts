/**
 * RED-TEAM VARIANT h20-array-of-bound (scenario 12). Changed: thumbnails.ts.
 * Change: invalidators kept in a module array as dropIfSame.bind(null, name), one per request (bound functions, no arrow closure).
 * HALF FIX (callbacks moved to an array).
 * Proof by hand (redteam/12/drivers/): drive-views.mjs: +11.2 MiB then +11.5 MiB per 30 000 views (400 B/view), linear.
 * Check now: FAIL: Leak 3 (functions your code made during the traffic and still alive after it: 118, bound functions
 *   now counted, path onStale → dropIfSame.bind(…); strings: 244). WRONG PASS before this round (bound functions not
 *   counted).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed module (thumbnails.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { checkFileName, fileEvents, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { downloads } from '../../../solutions/12-the-incident/downloads.ts';
import { shareApp } from './share-app.ts';

// ---- thumbnails.ts (the red team's) ----
const made = new Map<string, Buffer>();

// One listener on the store; each thumbnail's invalidator lives in our own list (a bound function, no closure).
function dropIfSame(name: string, changed: string): void {
  if (changed === name) made.delete(name);
}
const onStale: Array<(changed: string) => void> = [];
fileEvents.on('changed', (changed: string) => {
  for (const callback of onStale) callback(changed);
});

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  onStale.push(dropIfSame.bind(null, name));
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
