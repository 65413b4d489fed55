/**
 * RED-TEAM VARIANT h14-set-of-closures (scenario 12). Changed: thumbnails.ts.
 * Change: per-request closures in a Set (dedupe does nothing, each closure is new).
 * HALF FIX.
 * Proof by hand (redteam/12/drivers/): drive.mjs (20 000 views): heap +3.8 MiB vs +1.1 fixed.
 * Check now: FAIL: Leak 3 (functions your code made during the traffic and still alive after it). RIGHT, as before.
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

// The callbacks live in a Set, so the same one is never added twice.
const invalidators = new Set<(changed: string) => void>();
fileEvents.on('changed', (changed: string) => {
  for (const invalidate of invalidators) invalidate(changed);
});

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  invalidators.add((changed) => {
    if (changed === name) made.delete(name);
  });
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
