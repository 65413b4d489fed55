/**
 * half-fix. Keys the cache by req.params.name so query strings hit it, but never bounds it: every distinct file ever served (thumbnails, panoramas, album, logs, video) stays in memory.
 * Proof: /work/rt/a/d01.mjs (README traffic in phases, gc, process.memoryUsage): arrayBuffers +8.05 MiB after the gallery, +90.6 after the album, +154.6 MiB after logs+video, never back; query-string repeats did 0 disk reads.
 * Check: FAIL on "Buffer bytes kept beyond the cache's 8 MiB" (yours 146.5 MiB) and "file bytes kept" (path thumbnailCache:11 -> Map -> Buffer 32 MiB). RIGHT VERDICT
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new Map<string, Buffer>();

app.get('/files/:name', async (req, res) => {
  // The app adds query strings; the file is the same, so key by the name only.
  const cacheKey = req.params.name;
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
