/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: expire entries after 5 minutes (same as Cache-Control), timer unref'd so it does not hold the process.
 * Actually: unbounded for 5 minutes: a burst keeps everything it touched.
 * Proof: album -> 72.0 MiB, + big files -> 136.0 MiB kept. Check: FAIL 64.0 MiB (caught).
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// Entries expire after the same 5 minutes the browser caches them.
const TTL_MS = 300_000;
const thumbnailCache = new Map<string, Buffer>();

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    thumbnailCache.set(cacheKey, file);
    setTimeout(() => thumbnailCache.delete(cacheKey), TTL_MS).unref();
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
