/**
 * The red team's half-thumb-per-file.ts (half fix): One self-removing listener per cached thumbnail: bounded by
 *   the files, but each upload calls them all and the warning comes back past 10 files.
 * Hand proof: drive.ts: listeners +4 (one per cached file).
 * Check now: FAIL: Leak 3 (event listeners added during the traffic and never removed: 107); Leak 3 (functions
 *   your code made during the traffic and still alive after it: 8).
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

// ---- thumbnails-perfile.ts (the red team's thumbnails.ts) ----
const made = new Map<string, Buffer>();

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
    // A new version of the file makes its thumbnail stale: one listener per cached thumbnail, gone with it.
    const onChanged = (changed: string) => {
      if (changed !== name) return;
      made.delete(name);
      fileEvents.off('changed', onChanged);
    };
    fileEvents.on('changed', onChanged);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
