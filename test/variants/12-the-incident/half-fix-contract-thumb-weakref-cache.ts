/**
 * RED-TEAM VARIANT h18-weakref-cache (scenario 12). Changed: thumbnails.ts.
 * Change: thumbnail cache of WeakRef<Buffer> 'so it can never leak': the GC takes thumbnails back, each is made again from the whole file.
 * HALF FIX (breaks "each thumbnail made once").
 * Proof by hand (redteam/12/drivers/): drive-h18.mjs (no forced GC): a 32 MiB file never re-uploaded re-read 10 times (320 MiB) in 200 views amid uploads; fixed: 0.
 * Check now: FAIL on the contract only: a second thumbnail of report-1.bin, asked for after a garbage collection,
 *   read the file again; 3 of 3 leaks fixed. FLAKY before this round (caught only when a collection happened to fall
 *   in the contract).
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
// Weak references: the garbage collector may take a thumbnail back, so this cache can never leak.
const made = new Map<string, WeakRef<Buffer>>();

// One listener for the module, not one per request: a new version makes its thumbnail stale.
fileEvents.on('changed', (changed: string) => made.delete(changed));

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name)?.deref();
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, new WeakRef(thumbnail));
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
