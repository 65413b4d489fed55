/**
 * RED-TEAM VARIANT h11-array-of-names (scenario 12). Changed: thumbnails.ts.
 * Change: one listener, plus watched.push(name) per request; watched.includes() on every upload.
 * HALF FIX (smaller but unbounded structure).
 * Proof by hand (redteam/12/drivers/): drive-views.mjs: +967 KiB then +1169 KiB per 30 000 views (39.9 B/view), linear; upload cost O(views).
 * Check now: FAIL: Leak 3 (strings your module-level variables gained during the traffic: 126, bar 48, path watched →
 *   [n] string). WRONG PASS before this round (no measure saw strings kept per request).
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

// One listener for the module; the names it watches are kept in a list.
const watched: string[] = [];
fileEvents.on('changed', (changed: string) => {
  if (watched.includes(changed)) made.delete(changed);
});

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  watched.push(name);
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
