/**
 * VARIANT half-fix-downloads-close-after-await
 *
 * HALF FIX. catalog.ts copies the 512-byte head, thumbnails.ts has one module-level 'changed'
 * listener (both as in _base). downloads.ts adds res.on('close', () => file.destroy()) but only
 * after `await uploadedFileSize` and `await openUploadedFile`: a client that hangs up before those
 * awaits resolve has already had its 'close', so its file stays open for ever. Proof (driver, real
 * HTTP): 100 clients that send the GET and close at once: fds 29 -> 129; 100 that close on the
 * first byte or mid-transfer: flat. Check: FAIL (27 fds), caught.
 * Check now: FAIL (Leak 2: descriptors), as before. RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (downloads.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads.ts (the red team's) ----
/**
 * Downloads: GET /files/:name streams a shared file from disk.
 * Variant: destroys the file when the response closes, but sets that up only after the two awaits.
 */

const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // The client may hang up mid-download: stop reading the file then.
  res.on('close', () => file.destroy());
  file.on('error', next);
  file.pipe(res);
});

export default shareApp({ catalog, downloads, thumbnails });
