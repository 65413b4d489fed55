/**
 * The red team's half-downloads-only.ts (half fix): Only downloads fixed (stream.pipeline); catalog and thumbnails
 *   as shipped.
 * Hand proof: drive.ts: arrayBuffers +20.2 MiB, listeners +35, fds 0.
 * Check now: FAIL: Leak 1 (memory held by Buffers and strings after the traffic: 24.1 MiB); Leak 3 (event
 *   listeners added during the traffic and never removed: 118); Leak 3 (functions your code made during the traffic
 *   and still alive after it: 118).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 */
import express from 'express';
import path from 'node:path';
import { pipeline as pipelineWithCallback } from 'node:stream';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../checker/originals/12-the-incident/catalog.ts';
import { thumbnails } from '../../../checker/originals/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- downloads-pipeline.ts (the red team's downloads.ts) ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // pipeline destroys the file when the response ends early (hang-up) or fails.
  pipelineWithCallback(file, res, (err) => {
    if (err && !res.headersSent) next(err);
  });
});

export default shareApp({ catalog, downloads, thumbnails });
