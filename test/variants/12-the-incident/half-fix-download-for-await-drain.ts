/**
 * RED-TEAM VARIANT h06-for-await-drain (scenario 12). Changed: downloads.ts.
 * Change: for await + await once(res,'drain'): never resolves after the client left.
 * HALF FIX.
 * Proof by hand (redteam/12/drivers/): drive.mjs: 60 fds open.
 * Check now: FAIL: Leak 2 (file descriptors still open after the traffic). RIGHT, as before.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed module (downloads.ts)
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
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  // Backpressure done by hand: wait for 'drain' when the socket is full.
  for await (const chunk of file) {
    if (!res.write(chunk)) await once(res, 'drain');
  }
  res.end();
});

export default shareApp({ catalog, downloads, thumbnails });
