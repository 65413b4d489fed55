/**
 * RED-TEAM VARIANT h07-read-to-end (scenario 12). Changed: downloads.ts.
 * Change: on close: unpipe + resume, the file is read to its end for nobody.
 * HALF FIX (reads after the client left).
 * Proof by hand (redteam/12/drivers/): drive.mjs: 30 fds still open 1.5 s after the hang-ups, 1.9 GiB read for 60 abandoned downloads (fixed: 19 MiB).
 * Check now: FAIL: Leak 2 (file descriptors still open after the traffic, read on after their client had gone).
 *   RIGHT, as before.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed module (downloads.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads.ts (the red team's) ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  // The client left: stop sending, and let the file run to its end so it closes itself.
  res.on('close', () => {
    if (!res.writableFinished) {
      file.unpipe(res);
      file.resume();
    }
  });
  file.pipe(res);
});

export default shareApp({ catalog, downloads, thumbnails });
