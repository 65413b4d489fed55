/**
 * INTENDED: byte-bounded cache keyed by file name, plus request coalescing: concurrent misses for the same
 *   file share one disk read through a Map of in-flight reads, removed once the file is in the cache.
 * ACTUALLY: the in-flight entry is removed only on the branch that caches the file. Files over the budget
 *   (logs, video) and failed reads stay in `inFlight` for ever: the resolved promise keeps the whole file.
 *   (It also means such files are never re-read: a changed log is served stale.)
 * PROOF: arrayBuffers 74 MiB after the traffic (logs + video kept by resolved promises). Check: FAIL 64 MiB / 72 MiB.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CACHE_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
const inFlight = new Map<string, Promise<Buffer>>();
let cachedBytes = 0;

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    let reading = inFlight.get(cacheKey);
    if (!reading) {
      reading = readStoredFile(req.params.name);
      inFlight.set(cacheKey, reading);
    }
    file = await reading;
    if (file.length <= CACHE_BYTES && !thumbnailCache.has(cacheKey)) {
      thumbnailCache.set(cacheKey, file);
      cachedBytes += file.length;
      inFlight.delete(cacheKey);
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
