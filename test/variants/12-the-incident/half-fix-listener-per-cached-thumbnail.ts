/**
 * VARIANT alternative-listener-per-cached-thumbnail (filed here as half-fix-listener-per-cached-thumbnail)
 *
 * BORDERLINE (bounded, check FAILs). One listener per cached thumbnail, added when a thumbnail is
 * made (never for a 404), removed by itself when its own file changes. Listeners = thumbnails kept
 * = at most one per shared file. Proof: 300 views of one file -> 2 listeners, 300 draft
 * saves+views -> 3, 300 missing names -> 2; grows only with distinct files (300 files -> 302, like
 * the thumbnail Map and the catalogue). Costs O(files) per upload and a
 * MaxListenersExceededWarning past 10 files, so arguably not what the README wants. Check: FAIL (8
 * per-file listeners, plus 99 'removed by a later request').
 * Check now: FAIL (Leak 3: 107 listeners, 8 functions), as before; filed as a half fix (the README counts every
 *   listener added during the traffic and still there, and WHY.md § 3 says why one per file is too many); the
 *   verdict now says why in Share's terms (one per file with a thumbnail: the warning at the eleventh, every upload
 *   calls them all).
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
 * Variant (borderline): one listener per CACHED thumbnail, added when the thumbnail is made
 * (never for a 404) and removed by itself when its own file changes. The number of listeners
 * is the number of thumbnails kept, one per shared file at most; it does not grow with requests.
 */

const made = new Map<string, Buffer>();

function keep(name: string, thumbnail: Buffer): void {
  if (made.has(name)) return made.set(name, thumbnail) && undefined;
  made.set(name, thumbnail);
  const onChanged = (changed: string) => {
    if (changed !== name) return;
    made.delete(name);
    fileEvents.off('changed', onChanged);
  };
  fileEvents.on('changed', onChanged);
}

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    keep(name, thumbnail);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
