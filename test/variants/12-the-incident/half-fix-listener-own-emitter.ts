/**
 * The red team's half-own-emitter.ts (half fix): Thumbnails get an EventEmitter of their own (setMaxListeners(0))
 *   fed by one fileEvents listener; every request still adds a listener to it, never removed.
 * Hand proof: drive.ts: fileEvents listeners +0, but 8000 cached thumbnails leave +2.34 MiB of heap; grow.ts: heap
 *   8.1 -> 19.8 MiB over 80 000 requests, linear.
 * Check now: FAIL: Leak 3 (functions your code made during the traffic and still alive after it: 118). WRONG PASS
 *   before this round (fileEvents listeners only).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 */
import express from 'express';
import { EventEmitter } from 'node:events';
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

// ---- thumbnails-ownemitter.ts (the red team's thumbnails.ts) ----
const made = new Map<string, Buffer>();

const thumbnails = express.Router();

// Thumbnails get their own emitter (no limit, one listener on the shared fileEvents).
const stale = new EventEmitter();
stale.setMaxListeners(0);
fileEvents.on('changed', (changed: string) => stale.emit('changed', changed));

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  // A new version of the file makes its thumbnail stale.
  stale.on('changed', (changed: string) => {
    if (changed === name) made.delete(name);
  });
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
