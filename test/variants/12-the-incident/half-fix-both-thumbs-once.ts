/**
 * VARIANT half-fix-both-thumbs-once
 *
 * HALF FIX + CONTRACT. The per-request listener is kept but added with fileEvents.once(). Every
 * thumbnail request adds one; they only go when some file changes, and a change of ANY file
 * consumes them, so the thumbnail of a file that then changes is never invalidated. Proof: 200
 * thumbnail views without uploads -> 202 listeners; thumb doc.pdf, upload other.bin twice, upload
 * doc.pdf -> thumbnail unchanged (stale). Check: FAIL (listeners), caught; it does not mention the
 * stale thumbnail.
 * Check now: FAIL, as before (Leak 3: 118 listeners, 19 functions), and now the contract too: welcome.pdf's
 *   thumbnail stays the old version's after report-1.bin's new version took its once() listener.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (thumbnails.ts)
 *   inlined below, the others imported from the solution.
 * The same code (comments aside) was also written, blind, as half-fix-both-thumb-once-per-request.ts; it is checked once, here. Its notes:
 *   RED-TEAM VARIANT h08-once-per-request (scenario 12). Changed: thumbnails.ts.
 *   Change: fileEvents.once per request.
 *   HALF FIX (once where removal is needed).
 *   Proof by hand (redteam/12/drivers/): drive.mjs: 451 listeners, MaxListeners warning.
 *   Check now: FAIL: Leak 3 (event listeners added during the traffic and never removed: 118, and the functions kept).
 *   RIGHT, as before.
 *   One file: the server as server.ts puts it together (share-app.ts), the red team's changed module (thumbnails.ts)
 *   inlined below, the others imported from the solution.
 *   Check after red team round 12: FAIL on memory (listeners) and now on the contract too: welcome.pdf's thumbnail
 *   stays the old version's once report-1.bin's new version has taken the once() listeners (renamed half-fix-both-*).
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
 * Variant: the per-request listener is kept, but added with once(), "so it removes itself".
 */

const made = new Map<string, Buffer>();

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  // A new version of the file makes its thumbnail stale; once() so the listener does not pile up.
  fileEvents.once('changed', (changed: string) => {
    if (changed === name) made.delete(name);
  });
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
