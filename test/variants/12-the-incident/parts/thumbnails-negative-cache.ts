/**
 * half-fix. One module-level listener (plain fix) plus a negative cache: a Set of missing names, so old links cost no disk lookup; catalog.ts now emits 'changed' for new files too so a name shared later is dropped from it. Every distinct missing name asked for stays in the Set for ever.
 * Proof: drv/extra12.mjs missing: second batch of 3000 repeated + 3000 new missing names: heap +299 KB (+100 B per new name) against -91 KB for the reference fix; contract kept (404-then-shared gets its thumbnail).
 * Check: PASS (3 of 3; strings 46, bar 48: the traffic asks for about 30 distinct missing names). WRONG VERDICT.
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
 */
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 */
import express from 'express';
import { checkFileName, fileEvents, FileNotFoundError, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';

const made = new Map<string, Buffer>();
/** Names asked for that are not there: old links are asked for again and again, and each miss costs a disk lookup. */
const missing = new Set<string>();

// A new version of a file makes its thumbnail stale: one listener for the whole module.
fileEvents.on('changed', (changed: string) => {
  made.delete(changed);
  missing.delete(changed);
});

export const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (missing.has(name)) throw new FileNotFoundError(name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    const file = await readUploadedFile(name).catch((error: unknown) => {
      if (error instanceof FileNotFoundError) missing.add(name);
      throw error;
    });
    thumbnail = makeThumbnail(file);
    made.set(name, thumbnail);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});
