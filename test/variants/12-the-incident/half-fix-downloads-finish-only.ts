/**
 * VARIANT half-fix-downloads-finish-only
 *
 * HALF FIX. downloads.ts destroys the file on res 'finish', which never fires for a client that
 * hangs up. Proof: 100 hang-ups of each kind (before first byte, on first byte, mid-transfer):
 * +100 fds each. Check: FAIL (70 fds), caught.
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
 * Variant: destroys the file on finish (never fires for a client that hangs up).
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
  res.on("finish", () => file.destroy());
  file.on('error', next);
  file.pipe(res);
});

export default shareApp({ catalog, downloads, thumbnails });
