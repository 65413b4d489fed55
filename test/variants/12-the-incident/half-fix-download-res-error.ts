/**
 * The red team's half-dl-res-error.ts (half fix): Downloads: res.on('error', destroy): a hang-up emits no error on
 *   the response.
 * Hand proof: drive.ts: fds +33.
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

// ---- downloads-reserror.ts (the red team's downloads.ts) ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  res.on('error', () => file.destroy()); // the client went away: close the file
  file.pipe(res);
});

export default shareApp({ catalog, downloads, thumbnails });
