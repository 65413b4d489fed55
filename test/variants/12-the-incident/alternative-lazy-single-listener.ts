/**
 * The red team's correct-lazy-listener.ts (correct fix): One module-level listener on fileEvents, added lazily on
 *   the first thumbnail request; head copied; downloads through stream.pipeline.
 * Hand proof: drive.ts: fds 0, listeners 0, no contract problem.
 * Check now: PASS (3 of 3 leaks fixed).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 * On Node 24 a half fix: pipeline() into a response that closed during the awaits throws ERR_STREAM_UNABLE_TO_PIPE
 * and leaves the file open; the check FAILs it there on descriptors (VERDICT_FROM_NODE in checker/bench-variants.ts).
 */
import express from 'express';
import path from 'node:path';
import { pipeline as pipelineWithCallback } from 'node:stream';
import { checkFileName, openUploadedFile, uploadedFileSize, fileEvents, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { catalog } from '../../../solutions/12-the-incident/catalog.ts';
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

// ---- thumbnails-lazy.ts (the red team's thumbnails.ts) ----
const made = new Map<string, Buffer>();

const thumbnails = express.Router();

let listening = false;

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (!listening) {
    listening = true;
    // A new version of a file makes its thumbnail stale: one listener for all of them, added when first needed.
    fileEvents.on('changed', (changed: string) => made.delete(changed));
  }
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
