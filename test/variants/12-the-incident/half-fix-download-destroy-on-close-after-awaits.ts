/**
 * RED-TEAM VARIANT h05-close-after-await (scenario 12). Changed: downloads.ts.
 * Change: the obvious res.on('close', destroy) but registered after the awaits; a client gone during stat/open already fired 'close'.
 * HALF FIX (race, early hang-ups).
 * Proof by hand (redteam/12/drivers/): drive.mjs: 29 fds open (from the immediate/2 ms hang-ups).
 * Check now: FAIL: Leak 2 (file descriptors still open after the traffic: the clients gone during the stat or the
 *   open). RIGHT, as before.
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
  file.pipe(res);
  // The client may hang up: close the file then.
  res.on('close', () => file.destroy());
});

export default shareApp({ catalog, downloads, thumbnails });
