/**
 * VARIANT half-fix-thumbs-off-different-function
 *
 * HALF FIX. Adds onChanged.bind(null, name) when a thumbnail is made and tries to remove it with
 * fileEvents.off('changed', onChanged.bind(null, name)) (a new function, never the one added),
 * inside a once() per request. Proof: 200 views -> 204 listeners. Check: FAIL, caught, points at
 * both lines.
 * Check now: FAIL (Leak 3: listeners and functions), as before. RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (thumbnails.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { checkFileName, fileEvents, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { downloads } from '../../../solutions/12-the-incident/downloads.ts';
import { shareApp } from './share-app.ts';

// ---- thumbnails.ts (the red team's) ----
/**
 * Thumbnails: GET /files/:name/thumbnail.
 * Variant: one named handler, added per request with bind(name) and removed once the response
 * is sent, with fileEvents.off('changed', onChanged.bind(null, name)): a different function
 * from the one added, so nothing is removed.
 */

const made = new Map<string, Buffer>();

function onChanged(name: string, changed: string) {
  if (changed === name) made.delete(name);
}

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
    // Listen while this thumbnail is cached; stop listening when it is dropped.
    fileEvents.on('changed', onChanged.bind(null, name));
  }
  fileEvents.once('changed', (changed: string) => {
    if (changed === name) fileEvents.off('changed', onChanged.bind(null, name));
  });
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
