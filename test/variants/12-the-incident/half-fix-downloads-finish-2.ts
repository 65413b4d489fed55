/**
 * The red team's half-dl-finish.ts (half fix): Downloads: res.on('finish', destroy): a response whose client hangs
 *   up never finishes.
 * Hand proof: drive.ts: fds +33 (10 mid-transfer, 20 before the first byte, 3 slow readers).
 * Check now: FAIL: Leak 2 (file descriptors still open after the traffic: 72).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads-finish.ts (the red team's downloads.ts) ----
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
  res.on('finish', () => file.destroy()); // done with the file once the response is done
});

export default shareApp({ catalog, downloads, thumbnails });
