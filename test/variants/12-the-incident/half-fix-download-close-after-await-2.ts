/**
 * The red team's half-dl-close-late.ts (half fix): Downloads: res.on('close', destroy) added after `await
 *   uploadedFileSize/openUploadedFile`: a hang-up during the awaits is missed.
 * Hand proof: drive.ts: fds +20, exactly the 20 hang-ups before the first byte.
 * Check now: FAIL: Leak 2 (file descriptors still open after the traffic: 26).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads-closelate.ts (the red team's downloads.ts) ----
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
  res.on('close', () => file.destroy()); // the client hung up, or the download ended: close the file
});

export default shareApp({ catalog, downloads, thumbnails });
