/**
 * VARIANT half-fix-downloads-head-leaks
 *
 * HALF FIX (leaks only on HEAD). pipeline() fixes aborted GETs; a HEAD shortcut (`if (req.method
 * === 'HEAD') { res.end(); return; }`) placed after openUploadedFile, where the headers are set,
 * never closes the file it opened. Express routes HEAD to this GET handler. Proof: 100 HEAD
 * /files/rec.mp4 -> fds 29 -> 129 (aborted GETs flat). Check: PASS (its traffic sends no HEAD).
 * Check now: FAIL (PASS before): 6 descriptors opened for the traffic's HEAD requests and never closed (Leak 2).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (downloads.ts)
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
/**
 * Downloads: GET /files/:name streams a shared file from disk.
 * Variant: pipeline() fixes the aborted downloads; and HEAD requests (link previews, download
 * managers asking for the size) are answered with the headers alone instead of reading the
 * whole file for nothing. The shortcut sits after the open, where the headers are set, and
 * leaves the opened file open.
 */

const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  pipeline(file, res, (error) => {
    if (error && !res.destroyed && !res.headersSent) next(error);
  });
});

export default shareApp({ catalog, downloads, thumbnails });
