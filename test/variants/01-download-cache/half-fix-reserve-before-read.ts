/**
 * INTENDED: byte-bounded cache keyed by file name; make room (evict oldest) *before* reading, using the
 *   file's size from stat, so the cache "never goes over 8 MiB" and files larger than the budget are not cached.
 * ACTUALLY: room is made before the `await readStoredFile`, entries are added after it. Concurrent misses
 *   (a gallery loading an album in parallel) each see the same free room, so all of them get inserted:
 *   the cache ends far above its budget and stays there until later sequential misses evict.
 * PROOF: rt-tools/d01.ts: album fetched sequentially → arrayBuffers 10.0 MiB (= correct fixes); the 32 album photos fetched in parallel → 24.0 MiB (cache ≈ 22 MiB, budget 8). Check: PASS (slipped).
 */
import express from 'express';
import { readStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CACHE_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function makeRoom(size: number): void {
  for (const [key, old] of thumbnailCache) {
    if (cachedBytes + size <= CACHE_BYTES) break;
    thumbnailCache.delete(key);
    cachedBytes -= old.length;
  }
}

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    const size = await storedFileSize(req.params.name);
    const cacheable = size <= CACHE_BYTES;
    if (cacheable) makeRoom(size);
    file = await readStoredFile(req.params.name);
    if (cacheable) {
      thumbnailCache.set(cacheKey, file);
      cachedBytes += file.length;
    }
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
