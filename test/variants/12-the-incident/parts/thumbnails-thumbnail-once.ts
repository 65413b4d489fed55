/**
 * half-fix. fileEvents.once instead of on: listeners pile up between uploads, and the first 'changed' of any file removes them all, so a file's later new version keeps its stale thumbnail.
 * Proof: drv/extra12.mjs once: thumbnail of b.pdf, new version of a.pdf, new version of b.pdf: b.pdf's thumbnail STALE (reference fix: remade).
 * Check: FAIL (listeners 118 + contract breach: stale thumbnail). Correct verdict.
 */
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 */
import express from 'express';
import { checkFileName, fileEvents, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';

const made = new Map<string, Buffer>();

export const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  // A new version of the file makes its thumbnail stale.
  fileEvents.once('changed', (changed: string) => {
    if (changed === name) made.delete(name);
  });
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});
