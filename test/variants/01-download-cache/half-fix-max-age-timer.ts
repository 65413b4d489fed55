/**
 * half-fix. Keys by name and expires each entry with setTimeout after 300 s (the Cache-Control max-age), no byte budget: for five minutes the cache holds every file served, and each timer's closure holds its Buffer too.
 * Proof: /work/rt/a/d01.mjs: arrayBuffers +154.6 MiB after logs+video, unchanged to the end of the run (all within 300 s).
 * Check: FAIL on "Buffer bytes kept beyond the cache's 8 MiB" (146.5 MiB) and "file bytes kept" (path thumbnailCache:13, "1 other path" = the timers). RIGHT VERDICT
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Same lifetime as the Cache-Control we send: after that, clients refetch anyway. */
const MAX_AGE_MS = 300_000;
const thumbnailCache = new Map<string, Buffer>();

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    const fresh = await readStoredFile(req.params.name);
    file = fresh;
    thumbnailCache.set(cacheKey, fresh);
    // expire the entry, unless a newer copy replaced it meanwhile
    setTimeout(() => {
      if (thumbnailCache.get(cacheKey) === fresh) thumbnailCache.delete(cacheKey);
    }, MAX_AGE_MS).unref();
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
