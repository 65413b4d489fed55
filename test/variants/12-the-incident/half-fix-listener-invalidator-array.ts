/**
 * The red team's half-subscribers.ts (half fix): One fileEvents listener runs an array of invalidators; each
 *   thumbnail request pushes one, nothing removes them.
 * Hand proof: drive.ts: fileEvents listeners +0, 8000 cached thumbnails leave +2.24 MiB of heap; grow.ts: linear,
 *   about 140 B per request.
 * Check now: FAIL: Leak 3 (functions your code made during the traffic and still alive after it: 118). WRONG PASS
 *   before this round (fileEvents listeners only).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
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

// ---- thumbnails-subscribers.ts (the red team's thumbnails.ts) ----
const made = new Map<string, Buffer>();

const thumbnails = express.Router();

// One listener on fileEvents; it runs the invalidators the requests registered.
const invalidators: Array<(changed: string) => void> = [];
fileEvents.on('changed', (changed: string) => {
  for (const invalidate of invalidators) invalidate(changed);
});

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  // A new version of the file makes its thumbnail stale.
  invalidators.push((changed: string) => {
    if (changed === name) made.delete(name);
  });
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
