/**
 * INTENDED: byte-bounded LRU keyed by file name, plus "don't hit the disk again for names we know are missing"
 *   (apps retry broken photo links a lot).
 * ACTUALLY: the photo cache is bounded, but the Set of missing names grows by one entry per distinct missing
 *   name, forever (heap, not Buffers). It also answers 404 forever for a photo that is added later.
 * PROOF: 20 000 distinct missing names → heapUsed +3.3 MiB vs +1.6 MiB for the lru-cache fix (≈85 B per name, never freed). Check: PASS (slipped) until the
 *   traffic asked for 200 missing photos and a guard measure counted the names kept (now FAIL: 200 names, bar 32).
 */
import express from 'express';
import { FileNotFoundError, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CACHE_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
const knownMissing = new Set<string>();
let cachedBytes = 0;

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  if (knownMissing.has(cacheKey)) throw new FileNotFoundError(cacheKey);
  let file = thumbnailCache.get(cacheKey);
  if (file !== undefined) {
    thumbnailCache.delete(cacheKey);
    thumbnailCache.set(cacheKey, file);
  } else {
    try {
      file = await readStoredFile(req.params.name);
    } catch (error) {
      if (error instanceof FileNotFoundError) knownMissing.add(cacheKey);
      throw error;
    }
    if (file.length <= CACHE_BYTES) {
      thumbnailCache.set(cacheKey, file);
      cachedBytes += file.length;
      for (const [key, old] of thumbnailCache) {
        if (cachedBytes <= CACHE_BYTES) break;
        thumbnailCache.delete(key);
        cachedBytes -= old.length;
      }
    }
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
