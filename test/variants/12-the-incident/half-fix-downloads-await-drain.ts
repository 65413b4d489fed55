/**
 * VARIANT half-fix-downloads-await-drain
 *
 * HALF FIX (leaks for paused, then gone, viewers). for await over the file, res.write() with
 * `await once(res, 'drain')` on false, stop when res.destroyed. A client that stops reading
 * (socket buffer full) and then hangs up never sends 'drain': the handler waits for ever with the
 * file open. Proof: 50 viewers that pause on the first chunk and hang up 1.5 s later: fds 27 -> 77
 * (_base: flat). Check: FAIL (25 fds), caught.
 * Check now: FAIL (Leak 2: descriptors), as before. RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (downloads.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { once } from 'node:events';
import path from 'node:path';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads.ts (the red team's) ----
/**
 * Downloads: GET /files/:name streams a shared file from disk.
 * Variant: a for-await loop over the file that respects write()'s return value by awaiting
 * 'drain', and stops when the response is destroyed. A client that hangs up while the loop
 * waits for 'drain' never sends 'drain': the loop waits for ever with the file open.
 */

const downloads = express.Router();

downloads.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  try {
    for await (const chunk of file) {
      if (res.destroyed) break; // the client hung up: leaving the loop closes the file
      if (!res.write(chunk)) await once(res, 'drain');
    }
    if (!res.destroyed) res.end();
  } finally {
    file.destroy();
  }
});

export default shareApp({ catalog, downloads, thumbnails });
