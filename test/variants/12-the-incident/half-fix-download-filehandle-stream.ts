/**
 * RED-TEAM VARIANT h19-filehandle (scenario 12). Changed: downloads.ts.
 * Change: fs.promises.open FileHandle + handle.createReadStream().pipe(res), believed to autoClose.
 * HALF FIX (fd closed only by GC).
 * Proof by hand (redteam/12/drivers/): drive-h19.mjs: 3 fds still open 5 s after 40 hang-ups, closed only by a forced GC, DEP0137 warnings.
 * Check now: FAIL: Leak 2 (file descriptors still open after the traffic, FileHandles closed only by the garbage
 *   collector). RIGHT, as before.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed module (downloads.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { checkFileName, uploadedFileSize, uploadPath } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads.ts (the red team's) ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const handle = await open(uploadPath(name));
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // A stream made from a FileHandle closes the handle itself (autoClose).
  const stream = handle.createReadStream();
  stream.on('error', next);
  stream.pipe(res);
});

export default shareApp({ catalog, downloads, thumbnails });
