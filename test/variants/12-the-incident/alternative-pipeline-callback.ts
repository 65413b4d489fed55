/**
 * The red team's correct-pipeline.ts (correct fix): Head copied with Buffer.from(subarray), one module-level
 *   listener, downloads through stream.pipeline(file, res, cb) (no res.destroyed check).
 * Hand proof: drive.ts: fds 0, listeners 0, arrayBuffers +0.03 MiB; grow.ts: heap flat (8.1 -> 9.4 MiB over 80 000
 *   requests).
 * Check now: PASS (3 of 3 leaks fixed).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 * On Node 24 a half fix: pipeline() into a response that closed during the awaits throws ERR_STREAM_UNABLE_TO_PIPE
 * and leaves the file open; the check FAILs it there on descriptors (VERDICT_FROM_NODE in checker/bench-variants.ts).
 */
import express from 'express';
import path from 'node:path';
import { pipeline as pipelineWithCallback } from 'node:stream';
import { checkFileName, openUploadedFile, uploadedFileSize } from '#service/storage';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
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
