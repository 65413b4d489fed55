/**
 * VARIANT half-fix-contract-thumbs-weakref
 *
 * CONTRACT BREAK. One module-level listener; thumbnails kept through WeakRef (+
 * FinalizationRegistry), so a garbage collection drops them and the next view reads the whole file
 * again. Proof: view, gc, view -> 1 more disk read (_base: 0). Check: FAIL with a clear contract
 * message, caught.
 * Check now: FAIL on the contract (thumbnails read again after a collection), as before. RIGHT.
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
 * Variant: one module-level listener, and thumbnails held through WeakRef so "the cache can
 * never hold memory the process needs"; a FinalizationRegistry drops dead entries.
 */

const made = new Map<string, WeakRef<Buffer>>();
const collected = new FinalizationRegistry<string>((name) => {
  if (made.get(name)?.deref() === undefined) made.delete(name);
});

fileEvents.on('changed', (changed: string) => {
  made.delete(changed);
});

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name)?.deref();
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, new WeakRef(thumbnail));
    collected.register(thumbnail, name);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
