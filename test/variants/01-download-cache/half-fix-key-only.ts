/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: the leak comes from query strings, so key the cache by req.params.name.
 * Actually: the Map is still unbounded; every distinct photo stays forever.
 * Proof (variants/_probe/p01.ts, arrayBuffers after GC): 4 photos x24 with query strings 8.0 MiB; + album of 32 -> 72.0 MiB;
 * + video-1.mp4/access.log/access-log.csv -> 136.0 MiB (budget 8 MiB). Check: FAIL 64.0 MiB (caught).
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new Map<string, Buffer>();

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name; // ignore ?v= / ?t= query strings
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    thumbnailCache.set(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
