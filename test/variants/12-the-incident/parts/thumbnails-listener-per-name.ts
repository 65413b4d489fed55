/**
 * half-fix. One listener per name (a Set of names already watched) instead of one per request, but added before the file is read: every missing name asked for adds a listener that stays.
 * Proof: drv/drive12.mjs (FG_UPLOADS_DIR in /tmp, fs.stat/fs.open delayed 60 ms; 3 rounds of: 5 versions of draft.pdf each with its thumbnail, 3 new 4 MiB documents, one 8 MiB upload dropped at 4 MiB, 5 thumbnails of missing names, 2 HEAD, 1 full download, 4 hang-ups of a 32 MiB download during the 1st stat, 2nd stat, open and after 256 KiB): 'changed' listeners +5 a round (the 5 missing names), MaxListenersExceededWarning.
 * Check: FAIL (listeners 38, functions 38). Correct verdict.
 */
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 */
import express from 'express';
import { checkFileName, fileEvents, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';

const made = new Map<string, Buffer>();
/** The names we already listen for: one listener per file, not one per request. */
const watched = new Set<string>();

export const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (!watched.has(name)) {
    watched.add(name);
    // A new version of the file makes its thumbnail stale.
    fileEvents.on('changed', (changed: string) => {
      if (changed === name) made.delete(name);
    });
  }
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});
