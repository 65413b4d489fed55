/**
 * Written after the blind red team's round 10 (07's and 11's half-drain-on-close.ts), for 12's downloads: on a
 * hang-up, file.unpipe(res) and file.resume(), so that the stream reads the rest of the file for nobody and closes
 * itself at the end (autoClose). On a disk faster than the clients, every descriptor is closed within the check's
 * second; on a busy one they pile up (07's red team: 20 hang-ups, 20 files still open after 3 s on a slowed disk).
 * Check now: FAIL: Leak 2, each descriptor named "read on after its client had gone" (the check answers a
 *   download's reads after the first 8 past its hang-up last, as a busy disk would).
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads.ts: a hang-up lets the stream read on to its end, to close itself ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  // The client hung up: let the file reach its end, so that autoClose closes it.
  res.on('close', () => {
    file.unpipe(res);
    file.resume();
  });
  file.pipe(res);
});

export default shareApp({ catalog, downloads, thumbnails });
