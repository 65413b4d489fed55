/**
 * RED-TEAM VARIANT h13-off-on-finish (scenario 12). Changed: thumbnails.ts.
 * Change: per-request listener removed on res 'finish': no leak, but a new version never invalidates the thumbnail.
 * HALF FIX (breaks a feature).
 * Proof by hand (redteam/12/drivers/): drive.mjs: draft thumbnail stale at v1..v14, not remade after new version.
 * Check now: FAIL on the contract only: a thumbnail that is not the one of the file's latest version; 3 of 3 leaks
 *   fixed. RIGHT, as before.
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
  }
  // A new version of the file makes its thumbnail stale.
  const onChanged = (changed: string) => {
    if (changed === name) made.delete(name);
  };
  fileEvents.on('changed', onChanged);
  res.on('finish', () => fileEvents.off('changed', onChanged));
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
