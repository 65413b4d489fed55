/**
 * RED-TEAM VARIANT h03-finish-not-close (scenario 12). Changed: downloads.ts.
 * Change: file.destroy() on res 'finish' only; a client that hangs up never finishes.
 * HALF FIX (finish not close).
 * Proof by hand (redteam/12/drivers/): drive.mjs: 60 of 60 abandoned downloads leave their upload fd open.
 * Check now: FAIL: Leak 2 (file descriptors still open after the traffic, opened at the line of openUploadedFile).
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
  // Close the file once the response is done.
  res.on('finish', () => file.destroy());
  file.pipe(res);
});

export default shareApp({ catalog, downloads, thumbnails });
