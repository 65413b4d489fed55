/**
 * half-fix. Bounded byte LRU keyed by req.params.name.toLowerCase() "so any case shares the entry". Once photo-1.jpg is
 * cached, Photo-1.jpg and PHOTO-1.JPG (not in the store: a case-sensitive disk answers 404) are served photo-1's bytes with
 * 200: a missing photo is no longer a 404 (and on a store with both names, the wrong file is sent).
 * Proof: /work/rt/f/drive.mjs names: after GET photo-1.jpg, "Photo-1.jpg -> 200 2097152 (photo-1 bytes)",
 *   "PHOTO-1.JPG -> 200"; the original server and the correct fixes answer 404.
 * Check: PASS on all five lines. WRONG VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the contract (Photo-3.jpg answered as the store answers it: 404 on a disk that tells cases apart, 200 with photo-3.jpg on one that does not). RIGHT VERDICT.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MAX_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function cacheGet(key: string): Buffer | undefined {
  const file = thumbnailCache.get(key);
  if (file !== undefined) {
    thumbnailCache.delete(key);
    thumbnailCache.set(key, file);
  }
  return file;
}

function cacheSet(key: string, file: Buffer): void {
  const old = thumbnailCache.get(key);
  if (old !== undefined) {
    thumbnailCache.delete(key);
    cachedBytes -= old.length;
  }
  if (file.length > MAX_BYTES) return;
  for (const [oldestKey, oldest] of thumbnailCache) {
    if (cachedBytes + file.length <= MAX_BYTES) break;
    thumbnailCache.delete(oldestKey);
    cachedBytes -= oldest.length;
  }
  thumbnailCache.set(key, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  // One entry per photo, whatever the query string or the case the old app used.
  const cacheKey = req.params.name.toLowerCase();
  let file = cacheGet(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    cacheSet(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
