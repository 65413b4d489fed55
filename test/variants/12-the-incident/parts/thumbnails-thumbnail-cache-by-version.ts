/**
 * half-fix. No listener: the thumbnail cache is keyed by name@mtimeNs:size from a stat on each request, so a new version gets a new entry and the old versions' thumbnails stay for ever.
 * Proof: drv/drive12.mjs (FG_UPLOADS_DIR in /tmp, fs.stat/fs.open delayed 60 ms; 3 rounds of: 5 versions of draft.pdf each with its thumbnail, 3 new 4 MiB documents, one 8 MiB upload dropped at 4 MiB, 5 thumbnails of missing names, 2 HEAD, 1 full download, 4 hang-ups of a 32 MiB download during the 1st stat, 2nd stat, open and after 256 KiB): arrayBuffers +0.02 to +0.03 MiB a round (a 4 KiB thumbnail per draft version), listeners 0.
 * Check: FAIL (Buffers 454.8 KiB, strings 115). Correct verdict.
 */
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept. A thumbnail is keyed by its file's version
 * (the name and the time the file was last written), so a new version gets a
 * new thumbnail without anyone having to tell us: no listener at all.
 */
import express from 'express';
import { stat } from 'node:fs/promises';
import { checkFileName, FileNotFoundError, readUploadedFile, uploadPath } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';

const made = new Map<string, Buffer>();

export const thumbnails = express.Router();

async function versionOf(name: string): Promise<string> {
  try {
    const { mtimeNs, size } = await stat(uploadPath(name), { bigint: true });
    return `${name}@${mtimeNs}:${size}`;
  } catch {
    throw new FileNotFoundError(name);
  }
}

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  const version = await versionOf(name);
  let thumbnail = made.get(version);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(version, thumbnail);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});
