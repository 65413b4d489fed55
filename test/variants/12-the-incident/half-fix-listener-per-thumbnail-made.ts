/**
 * RED-TEAM VARIANT h09-listener-per-made (scenario 12). Changed: thumbnails.ts.
 * Change: listener added only when a thumbnail is made: one per version, never removed.
 * HALF FIX.
 * Proof by hand (redteam/12/drivers/): drive.mjs: 28 listeners after 15 versions + others, warning.
 * Check now: FAIL: Leak 3 (event listeners added during the traffic and never removed: one per thumbnail made).
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


const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
    // Only the request that makes the thumbnail needs to watch for a new version.
    fileEvents.on('changed', (changed: string) => {
      if (changed === name) made.delete(name);
    });
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
