/**
 * RED-TEAM VARIANT
 * half-fix (budget breach). Intent: photos are ~2 MiB and the budget is 8 MiB, so keep at most 4 entries (LRU by Map order).
 * Actually: bounded by COUNT, not bytes: four 32/16 MiB files from the same store are all kept.
 * Proof: after album 8.0 MiB (fine), after downloading video-1.mp4 (32 MiB) + access.log (16) + access-log.csv (16): 66.0 MiB kept
 * (diskReads for 2 video downloads = 0, i.e. the 32 MiB video is cached). Check: PASS 8.0 MiB quiet -> SLIPPED (check only sends 2 MiB photos).
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// Photos are ~2 MiB, budget is 8 MiB -> keep at most 4 photos.
const MAX_ENTRIES = 4;
const thumbnailCache = new Map<string, Buffer>();

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    thumbnailCache.set(cacheKey, file);
    while (thumbnailCache.size > MAX_ENTRIES) {
      thumbnailCache.delete(thumbnailCache.keys().next().value!);
    }
  } else {
    thumbnailCache.delete(cacheKey);
    thumbnailCache.set(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
