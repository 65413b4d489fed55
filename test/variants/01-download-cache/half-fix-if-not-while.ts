/**
 * INTENDED: byte-bounded cache keyed by file name: when adding a file would pass 8 MiB, evict the oldest.
 * ACTUALLY: evicts ONE entry per insert (`if`, not `while`). With same-size photos that is enough; with
 *   photos of mixed sizes (a 7 MiB panorama after small thumbnails) the cache passes its budget, and a run of
 *   growing files ratchets it up further.
 * PROOF: FG_FILES_DIR with 300 KB thumbs + 1–8 MiB panoramas: arrayBuffers 38.3 MiB after the traffic vs 10.0 MiB for both correct fixes (cache ≈ 36 MiB). Check: PASS (slipped; all its cacheable files are 2 MiB).
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CACHE_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    if (file.length <= CACHE_BYTES) {
      if (cachedBytes + file.length > CACHE_BYTES) {
        const [oldestKey, oldest] = thumbnailCache.entries().next().value!;
        thumbnailCache.delete(oldestKey);
        cachedBytes -= oldest.length;
      }
      thumbnailCache.set(cacheKey, file);
      cachedBytes += file.length;
    }
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
