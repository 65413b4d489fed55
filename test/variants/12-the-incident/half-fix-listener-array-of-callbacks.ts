/**
 * RED-TEAM VARIANT h12-array-of-callbacks (scenario 12). Changed: thumbnails.ts.
 * Change: per-request arrow closures pushed into a module array.
 * HALF FIX.
 * Proof by hand (redteam/12/drivers/): drive-views (20 000 views): heap +3.4 MiB vs +1.1 fixed.
 * Check now: FAIL: Leak 3 (functions your code made during the traffic and still alive after it: 118, path onStale).
 *   RIGHT, as before.
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

// One listener on the store; the per-thumbnail callbacks live in our own list.
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
  onStale.push((changed) => {
    if (changed === name) made.delete(name);
  });
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
