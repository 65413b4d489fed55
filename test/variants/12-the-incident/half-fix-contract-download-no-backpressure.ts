/**
 * RED-TEAM VARIANT h21-no-backpressure (scenario 12). Changed: downloads.ts.
 * Change: file 'data' -> res.write(chunk) ignoring its return value; close handled (incl. clients gone before).
 * HALF FIX (write() backpressure ignored; whole file buffered per slow client).
 * Proof by hand (redteam/12/drivers/): drive-slow.mjs: 4 stalled clients on a 60 MiB file -> heap+external 11 -> 235 MiB (fixed 11 -> 11); freed when they hang up.
 * Check now: FAIL on the contract only: a viewer who paused the recording (32 MiB) made the server hold 27.6 MiB more
 *   in Buffers (bar 8 MiB); 3 of 3 leaks fixed. WRONG PASS before this round (no client that pauses).
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
  // Send each chunk as it is read; close the file however the response ends.
  file.on('data', (chunk) => res.write(chunk));
  file.on('end', () => res.end());
  res.on('close', () => file.destroy());
  if (res.destroyed) file.destroy();
});

export default shareApp({ catalog, downloads, thumbnails });
