/**
 * VARIANT half-fix-downloads-req-close
 *
 * HALF FIX. Like half-fix-downloads-close-after-await but listens for the request's 'close'
 * instead of the response's, also after the awaits. Proof: 100 early hang-ups: fds 29 -> 129;
 * hang-ups on first byte / mid-transfer: flat. Check: FAIL (25 fds), caught.
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
 * Variant: destroys the file on the REQUEST's close event (not the response's).
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
  req.on("close", () => file.destroy());
  file.on('error', next);
  file.pipe(res);
});

export default shareApp({ catalog, downloads, thumbnails });
