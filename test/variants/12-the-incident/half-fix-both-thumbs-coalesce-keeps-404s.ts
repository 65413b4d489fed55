/**
 * VARIANT half-fix-both-thumbs-coalesce-keeps-404s
 *
 * HALF FIX + CONTRACT. One module-level 'changed' listener (listener leak fixed); concurrent
 * thumbnail requests share a promise kept in a module-level Map `making`, deleted when the
 * thumbnail is made; a promise that rejects (404) is never deleted. Every distinct unknown name
 * (old links, bots) keeps its name, a rejected promise and a FileNotFoundError for ever, and a
 * file uploaded later under a name that was once 404 answers 404 for its thumbnail for ever.
 * Proof: 3 000 distinct missing thumbnails -> heap 14.1 MiB, 30 000 -> 27.8 MiB (_base after 30
 * 000: 12.5 MiB, ~530 B per name); GET late.pdf/thumbnail 404, PUT late.pdf 201, GET
 * late.pdf/thumbnail -> still 404 (_base: 200). Check: PASS (module strings 28 < bar 48: its
 * traffic uses 7 missing names and never uploads one of them later).
 * Check now: FAIL (PASS before): records your module-level variables gained 104 (bar 36) and strings 76 (bar 48),
 *   from 30 old links; and the contract: a thumbnail asked for before its file was shared answers 404 after the
 *   upload too.
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
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 *
 * Variant: one module-level 'changed' listener (the listener leak is fixed), and thumbnails
 * being made are shared between concurrent requests through a Map of promises, so a file is
 * read once even when ten people open the list at once. A promise leaves that Map when its
 * thumbnail is made; one that fails (404, an old link) stays.
 */

const made = new Map<string, Buffer>();
/** Thumbnails being made, so that concurrent requests for one file read it once. */
const making = new Map<string, Promise<Buffer>>();

// A new version of a file makes its thumbnail stale.
fileEvents.on('changed', (changed: string) => {
  made.delete(changed);
  making.delete(changed);
});

function thumbnailOf(name: string): Promise<Buffer> {
  let pending = making.get(name);
  if (!pending) {
    pending = readUploadedFile(name).then((data) => {
      const thumbnail = makeThumbnail(data);
      made.set(name, thumbnail);
      making.delete(name);
      return thumbnail;
    });
    making.set(name, pending);
  }
  return pending;
}

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  const thumbnail = made.get(name) ?? (await thumbnailOf(name));
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
