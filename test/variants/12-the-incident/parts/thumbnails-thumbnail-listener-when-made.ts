/**
 * half-fix. The listener is added only when a thumbnail is made (inside if (!thumbnail)), not per request: each new version of a file still adds one more.
 * Proof: drv/drive12.mjs (FG_UPLOADS_DIR in /tmp, fs.stat/fs.open delayed 60 ms; 3 rounds of: 5 versions of draft.pdf each with its thumbnail, 3 new 4 MiB documents, one 8 MiB upload dropped at 4 MiB, 5 thumbnails of missing names, 2 HEAD, 1 full download, 4 hang-ups of a 32 MiB download during the 1st stat, 2nd stat, open and after 256 KiB): 'changed' listeners +5 a round (one per draft version), MaxListenersExceededWarning.
 * Check: FAIL (listeners 107, functions 107). Correct verdict.
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
    // A new version of the file makes its thumbnail stale. Listen once per thumbnail made, not per request.
    fileEvents.on('changed', (changed: string) => {
      if (changed === name) made.delete(name);
    });
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});
