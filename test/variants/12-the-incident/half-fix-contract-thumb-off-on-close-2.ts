/**
 * The red team's half-off-after.ts (half fix): A listener per request, removed on res 'close': nothing leaks, but
 *   a thumbnail is never made again after a new version.
 * Hand proof: drive.ts: 0 leaks; stale draft thumbnail in 14 of 14 versions.
 * Check now: FAIL: contract: "GET /files/budget-draft.xlsx/thumbnail sent a thumbnail that is not the one of the
 *   file's latest version.".
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 * Its downloads look at res.destroyed once the file is open too, as the solution's do (before only, Node 24 leaks:
 * pipeline() into a response closed meanwhile leaves the file open), so that only its thumbnails are judged.
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
  // Closed while the file opened: Node 24's pipeline() would throw into it and leave the file open.
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // pipeline destroys the file when the response ends early (hang-up) or fails.
  pipelineWithCallback(file, res, (err) => {
    if (err && !res.headersSent) next(err);
  });
});

// ---- thumbnails-offafter.ts (the red team's thumbnails.ts) ----
const made = new Map<string, Buffer>();

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  // A new version of the file makes its thumbnail stale.
  const onChanged = (changed: string) => {
    if (changed === name) made.delete(name);
  };
  fileEvents.on('changed', onChanged);
  res.on('close', () => fileEvents.off('changed', onChanged)); // no listener outlives its request
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
